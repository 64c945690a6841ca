import { sql } from "drizzle-orm";
import { boolean, index, integer, jsonb, pgEnum, pgTable, primaryKey, text, uniqueIndex } from "drizzle-orm/pg-core";
import { belongsTo, createdAt, extensionOf, timestamps, ts, updatedAt } from "./_common";
import { cards } from "./cards";
import { customers } from "./customers";
import { merchantOwned, merchants } from "./merchants";
import { programs } from "./programs";

export const payoutProviderEnum = pgEnum("payout_provider", ["webhook", "manual", "stripe", "paypal"]);
export const payoutScheduleEnum = pgEnum("payout_schedule", ["off", "daily", "weekly", "monthly"]);

// How a cashback program pays out: over which balance, how often, and through which provider.
export const payoutSettings = pgTable("payout_settings", {
  programId: extensionOf("program_id", () => programs.id),
  merchantId: belongsTo("merchant_id", () => merchants.id),
  enabled: boolean("enabled").notNull().default(true),
  provider: payoutProviderEnum("provider").notNull(),
  // Cards whose cashback balance reaches this (minor units) are paid.
  thresholdMinor: integer("threshold_minor").notNull(),
  schedule: payoutScheduleEnum("schedule").notNull().default("off"),
  // webhook provider: the merchant's payout endpoint and its Standard Webhooks secret (whsec_…).
  endpointUrl: text("endpoint_url"),
  secret: text("secret"),
  updatedAt: updatedAt(),
});

export const payoutRunStatusEnum = pgEnum("payout_run_status", ["pending", "running", "awaiting_export", "completed", "completed_with_failures"]);

// sent: accepted by a provider that confirms later (PayPal); their outcome comes by webhook.
export type PayoutRunReport = { selected: number; retried: number; paid: number; failed: number; pending: number; sent?: number; amountPaid: number; amountFailed: number };

export const payoutRuns = pgTable(
  "payout_runs",
  {
    ...merchantOwned(),
    programId: belongsTo("program_id", () => programs.id),
    // schedule:<date> for scheduled runs (one per period), or manual:<id> for "pay now".
    runKey: text("run_key").notNull(),
    trigger: text("trigger").notNull(),
    provider: payoutProviderEnum("provider").notNull(),
    status: payoutRunStatusEnum("status").notNull().default("pending"),
    report: jsonb("report").$type<PayoutRunReport | null>(),
    requestedBy: text("requested_by"),
    startedAt: ts("started_at"),
    finishedAt: ts("finished_at"),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("payout_runs_program_key_uq").on(t.programId, t.runKey), index("payout_runs_merchant_idx").on(t.merchantId, t.createdAt)],
);

// pending: reserved, not yet accepted by the provider; sent: accepted, its outcome comes later by
// webhook (PayPal batches); paid; failed: the call failed, the next run retries it; returned: the
// provider gave the money back (reversed, unclaimed, refused) and the cashback is on the card again.
export const payoutStatusEnum = pgEnum("payout_status", ["pending", "paid", "failed", "sent", "returned"]);

// One payment of a card's cashback. The ledger is debited when the row is created (same transaction),
// so the money is reserved; the provider call may be retried any number of times with the same key.
export const payouts = pgTable(
  "payouts",
  {
    ...merchantOwned(),
    programId: text("program_id").notNull(),
    cardId: belongsTo("card_id", () => cards.id),
    // The run that last tried it; a failed payout moves to the next run.
    runId: text("run_id").notNull(),
    firstRunId: text("first_run_id").notNull(),
    amount: integer("amount").notNull(),
    currency: text("currency").notNull(),
    // Sent to the provider as Idempotency-Key on every attempt.
    idempotencyKey: text("idempotency_key").notNull().unique(),
    entryId: text("entry_id").notNull(),
    status: payoutStatusEnum("status").notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    lastError: text("last_error"),
    providerReference: text("provider_reference"),
    // PayPal: the sender_batch_id of the batch this payout was put in, written before the batch is
    // sent, so a retry sends the same batch under the same id.
    providerBatchId: text("provider_batch_id"),
    paidAt: ts("paid_at"),
    // The ledger entry that put the cashback back on the card when the provider gave the money back.
    returnedEntryId: text("returned_entry_id"),
    ...timestamps(),
  },
  (t) => [
    index("payouts_run_idx").on(t.runId, t.status),
    // At most one unpaid payout per card: a second run cannot select a card that is still being paid.
    // Open = neither paid (paid_at set) nor given back (returned_entry_id set). (Not by status: the
    // migration that adds the enum's values may not use them.)
    uniqueIndex("payouts_open_card_uq").on(t.cardId).where(sql`paid_at is null and returned_entry_id is null`),
    index("payouts_batch_idx").on(t.providerBatchId),
    index("payouts_merchant_idx").on(t.merchantId, t.createdAt),
  ],
);

export type PayoutSettings = typeof payoutSettings.$inferSelect;
export type PayoutRun = typeof payoutRuns.$inferSelect;
export type Payout = typeof payouts.$inferSelect;

// Where a customer of a business takes cashback payouts: a Stripe Express account linked from the
// card page, and/or a PayPal email. One row per customer of the business.
export const payoutAccounts = pgTable("payout_accounts", {
  customerId: extensionOf("customer_id", () => customers.id),
  merchantId: belongsTo("merchant_id", () => merchants.id),
  stripeAccountId: text("stripe_account_id").unique(),
  // Stripe onboarding finished (details submitted): transfers may go there.
  stripeReady: boolean("stripe_ready").notNull().default(false),
  paypalEmail: text("paypal_email"),
  ...timestamps(),
});

// Provider webhook events already handled (Stripe event id, PayPal event id): a second delivery does nothing.
export const payoutProviderEvents = pgTable(
  "payout_provider_events",
  {
    provider: text("provider").notNull(),
    eventId: text("event_id").notNull(),
    type: text("type").notNull(),
    payoutId: text("payout_id"),
    outcome: text("outcome").notNull(),
    receivedAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.provider, t.eventId] })],
);

export type PayoutAccount = typeof payoutAccounts.$inferSelect;
