import { dbReady } from "../db/client";
import { planDeliveries } from "../lib/webhooks/deliver";
import { WEBHOOK_EVENTS } from "../lib/events/catalogue";
import { events, inngest } from "../lib/events/inngest";
import { describeJob } from "./job";

/** The trigger expression (Inngest's CEL): skip events no endpoint of the business takes. */
export const WEBHOOK_TRIGGER_IF = "event.data.webhooks != false";

/** For each domain event a merchant may subscribe to: one delivery per subscribed endpoint, each sent by webhook-deliver. */
export const webhookFanout = inngest.createFunction(
  {
    id: "webhook-fanout",
    name: "Webhook fan-out (one delivery per subscribed endpoint)",
    // Only events an endpoint of the business takes (dispatch.ts sets `webhooks`); an event without the
    // flag (sent before it existed, or by hand) still runs, and planDeliveries finds nothing to do.
    triggers: WEBHOOK_EVENTS.map((name) => ({ event: events[name], if: WEBHOOK_TRIGGER_IF })),
    retries: 5,
  },
  async ({ event, step }) => {
    // `webhooks` is routing, not part of the event: receivers get the catalogue's payload only.
    const { merchantId, webhooks: _routing, ...payload } = event.data as { merchantId: string; webhooks?: boolean } & Record<string, unknown>;
    const deliveryIds = await step.run("plan", async () => planDeliveries(await dbReady(), { id: event.id!, type: event.name, merchantId, payload }));
    if (deliveryIds.length > 0) {
      await step.sendEvent(
        "deliver",
        deliveryIds.map((deliveryId) => ({ id: `webhook-${deliveryId}-${event.id}`, name: "webhook_delivery.requested" as const, data: { merchantId, deliveryId } })),
      );
    }
    return { deliveries: deliveryIds.length };
  },
);

export const webhookFanoutJob = describeJob(webhookFanout, { reportsRuns: false });
