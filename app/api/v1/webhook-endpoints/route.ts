import { EndpointInput, createEndpoint, listEndpoints } from "@/lib/webhooks/endpoints";
import { WebhookEndpointOut, WebhookSecretOut, listOf, presentWebhookEndpoint } from "../../_http/present";
import { apiRoute } from "../../_http/route";

// GET /api/v1/webhook-endpoints — the business's webhook endpoints, newest first (secrets are never listed)
export const GET = apiRoute(
  { summary: "List webhook endpoints", scope: "manage", response: { status: 200, schema: listOf(WebhookEndpointOut) } },
  async ({ ctx }) => ({ status: 200, body: { data: (await listEndpoints(ctx)).map(presentWebhookEndpoint) } }),
);

// POST /api/v1/webhook-endpoints — register an endpoint; the answer carries its signing secret, once
export const POST = apiRoute(
  { summary: "Create a webhook endpoint", scope: "manage", body: EndpointInput, response: { status: 201, schema: WebhookEndpointOut.extend(WebhookSecretOut.shape) }, errors: [409] },
  async ({ ctx, body }) => {
    const endpoint = await createEndpoint(ctx, body);
    return { status: 201, body: { ...presentWebhookEndpoint(endpoint), secret: endpoint.secret } };
  },
);
