import { dbReady } from "../db/client";
import { planDeliveries } from "../lib/webhooks/deliver";
import { WEBHOOK_EVENTS } from "../lib/events/catalogue";
import { events, inngest } from "../lib/events/inngest";
import { describeJob } from "./job";

/** For each domain event a merchant may subscribe to: one delivery per subscribed endpoint, each sent by webhook-deliver. */
export const webhookFanout = inngest.createFunction(
  {
    id: "webhook-fanout",
    name: "Webhook fan-out (one delivery per subscribed endpoint)",
    triggers: WEBHOOK_EVENTS.map((name) => events[name]),
    retries: 5,
  },
  async ({ event, step }) => {
    const { merchantId, ...payload } = event.data as { merchantId: string } & Record<string, unknown>;
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
