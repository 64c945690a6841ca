import { NonRetriableError } from "inngest";
import { dbReady } from "../db/client";
import { attemptDelivery, markDeliveryFailed } from "../lib/webhooks/deliver";
import { events, inngest } from "../lib/events/inngest";
import { describeJob } from "./job";

/**
 * Delivers one webhook. A failed attempt is logged and thrown, so Inngest retries it with its
 * exponential back-off (about a day in all); after the last retry the delivery is marked failed
 * and waits for a replay from the dashboard.
 */
export const webhookDeliver = inngest.createFunction(
  {
    id: "webhook-deliver",
    name: "Webhook deliveries",
    triggers: [events["webhook_delivery.requested"]],
    retries: 10,
    concurrency: { key: "event.data.merchantId", limit: 10 },
    onFailure: async ({ event, error }) => {
      await markDeliveryFailed(await dbReady(), event.data.event.data.deliveryId, error.message);
    },
  },
  async ({ event, step }) => {
    return step.run("attempt", async () => {
      const result = await attemptDelivery(await dbReady(), event.data.deliveryId);
      if (result.skipped || result.delivered) return result;
      if (!result.retryable) throw new NonRetriableError(result.error ?? "refused");
      throw new Error(result.error ?? "failed");
    });
  },
);

export const webhookDeliverJob = describeJob(webhookDeliver, { reportsRuns: false });
