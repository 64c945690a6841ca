import { z } from "zod";
import { UpdateEndpointInput, deleteEndpoint, getEndpoint, setEndpointActive } from "@/lib/webhooks/endpoints";
import { WebhookEndpointOut, presentWebhookEndpoint } from "../../../_http/present";
import { apiRoute } from "../../../_http/route";

// GET /api/v1/webhook-endpoints/{id} — one webhook endpoint
export const GET = apiRoute(
  { summary: "Get a webhook endpoint", scope: "manage", params: ["id"], response: { status: 200, schema: WebhookEndpointOut }, errors: [404] },
  async ({ ctx, params }) => ({ status: 200, body: presentWebhookEndpoint(await getEndpoint(ctx, params.id)) }),
);

// PATCH /api/v1/webhook-endpoints/{id} — pause or resume deliveries to an endpoint
export const PATCH = apiRoute(
  { summary: "Pause or resume a webhook endpoint", scope: "manage", params: ["id"], body: UpdateEndpointInput, response: { status: 200, schema: WebhookEndpointOut }, errors: [404] },
  async ({ ctx, params, body }) => ({ status: 200, body: presentWebhookEndpoint(await setEndpointActive(ctx, params.id, body.active)) }),
);

// DELETE /api/v1/webhook-endpoints/{id} — remove an endpoint and its delivery log
export const DELETE = apiRoute(
  { summary: "Delete a webhook endpoint", scope: "manage", params: ["id"], response: { status: 200, schema: z.object({ id: z.string(), deleted: z.literal(true) }) }, errors: [404] },
  async ({ ctx, params }) => {
    await deleteEndpoint(ctx, params.id);
    return { status: 200, body: { id: params.id, deleted: true as const } };
  },
);
