import { z } from "zod";
import { rotateEndpointSecret } from "@/lib/webhooks/endpoints";
import { WebhookSecretOut } from "../../../../_http/present";
import { apiRoute } from "../../../../_http/route";

// POST /api/v1/webhook-endpoints/{id}/rotate-secret — a new signing secret, shown once; the old one
// keeps signing beside it (a second signature) until previousSecretValidUntil
export const POST = apiRoute(
  {
    summary: "Rotate a webhook endpoint's signing secret",
    scope: "manage",
    params: ["id"],
    response: { status: 200, schema: WebhookSecretOut.extend({ previousSecretValidUntil: z.iso.datetime() }) },
    errors: [404],
  },
  async ({ ctx, params }) => {
    const { secret, previousValidUntil } = await rotateEndpointSecret(ctx, params.id);
    return { status: 200, body: { secret, previousSecretValidUntil: previousValidUntil.toISOString() } };
  },
);
