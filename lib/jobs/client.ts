import { eventType, Inngest } from "inngest";
import { z } from "zod";
import { env } from "../env";

/** The one Inngest client. Without an event key or INNGEST_DEV, sending fails fast and the outbox keeps the event. */
export const inngest = new Inngest({
  id: "keepcard",
  eventKey: env.INNGEST_EVENT_KEY,
  baseUrl: env.INNGEST_BASE_URL,
  isDev: env.INNGEST_DEV ? true : undefined,
});

// Typed events. Each mirrors a domain event of lib/outbox.ts; `merchantId` rides along on every one.
const withMerchant = <T extends z.ZodRawShape>(shape: T) => z.object({ merchantId: z.string(), ...shape });

export const events = {
  cardEnrolled: eventType("card.enrolled", { schema: withMerchant({ cardId: z.string(), programId: z.string(), customerId: z.string() }) }),
  cardBalanceChanged: eventType("card.balance_changed", {
    schema: withMerchant({ cardId: z.string(), programId: z.string(), entryId: z.string(), kind: z.string(), amount: z.int(), balance: z.int() }),
  }),
  tierChanged: eventType("tier.changed", {
    schema: withMerchant({ cardId: z.string(), programId: z.string(), from: z.string().nullable(), to: z.string().nullable() }),
  }),
  voucherIssued: eventType("voucher.issued", {
    schema: withMerchant({ voucherId: z.string(), cardId: z.string(), rewardId: z.string().nullable(), title: z.string() }),
  }),
  voucherRedeemed: eventType("voucher.redeemed", { schema: withMerchant({ voucherId: z.string(), cardId: z.string(), title: z.string() }) }),
  programChanged: eventType("program.changed", { schema: withMerchant({ programId: z.string() }) }),
  rewardChanged: eventType("reward.changed", { schema: withMerchant({ rewardId: z.string(), programId: z.string() }) }),
  locationChanged: eventType("location.changed", { schema: withMerchant({ locationId: z.string() }) }),
  merchantChanged: eventType("merchant.changed", { schema: withMerchant({ fields: z.array(z.string()) }) }),
  cardClosed: eventType("card.closed", { schema: withMerchant({ cardId: z.string(), programId: z.string() }) }),
  campaignScheduled: eventType("campaign.scheduled", {
    schema: withMerchant({ campaignId: z.string(), scheduleVersion: z.int(), startsAt: z.string(), endsAt: z.string() }),
  }),
  campaignCancelled: eventType("campaign.cancelled", { schema: withMerchant({ campaignId: z.string() }) }),
  payoutRunRequested: eventType("payout_run.requested", { schema: withMerchant({ runId: z.string(), programId: z.string() }) }),
  webhookDeliveryRequested: eventType("webhook_delivery.requested", { schema: withMerchant({ deliveryId: z.string() }) }),
  // For the wallet functions: show this message on the card's pass (Apple changeMessage, Google message).
  walletMessageRequested: eventType("wallet.message_requested", {
    schema: withMerchant({ cardId: z.string(), programId: z.string(), title: z.string(), body: z.string(), reason: z.string() }),
  }),
};
