import { dbReady } from "../db/client";
import { planDeliveries } from "../lib/webhooks/deliver";
import { events, inngest } from "../lib/events/inngest";

/** For each domain event a merchant may subscribe to: one delivery per subscribed endpoint, each sent by webhook-deliver. */
export const webhookFanout = inngest.createFunction(
  {
    id: "webhook-fanout",
    triggers: [events.cardEnrolled, events.cardBalanceChanged, events.tierChanged, events.voucherIssued, events.voucherRedeemed, events.programChanged, events.rewardChanged],
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
