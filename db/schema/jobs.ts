import { date, integer, jsonb, pgTable, primaryKey, text } from "drizzle-orm/pg-core";
import { belongsTo, createdAt, ts } from "./_common";
import { cards } from "./cards";
import { merchants } from "./merchants";

// Points expiring on one day on one card, reminded once per window (for example 14 and 3 days before).
export const expiryReminders = pgTable(
  "expiry_reminders",
  {
    cardId: belongsTo("card_id", () => cards.id),
    expiresOn: date("expires_on", { mode: "string" }).notNull(),
    windowDays: integer("window_days").notNull(),
    merchantId: text("merchant_id").notNull(),
    amount: integer("amount").notNull(),
    emailId: text("email_id"),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.cardId, t.expiresOn, t.windowDays] })],
);

// The last run of each shared background job (one that runs for every business at once), for the
// dashboard's job-system panel. Its counts and errors cover every business.
export const jobHeartbeats = pgTable("job_heartbeats", {
  name: text("name").primaryKey(),
  lastRunAt: ts("last_run_at").notNull(),
  lastOkAt: ts("last_ok_at"),
  lastError: text("last_error"),
  details: jsonb("details").$type<Record<string, unknown>>(),
});

// The last run of a job that ran for one business (a payout run): only that business sees it.
export const merchantJobHeartbeats = pgTable(
  "merchant_job_heartbeats",
  {
    merchantId: belongsTo("merchant_id", () => merchants.id),
    name: text("name").notNull(),
    lastRunAt: ts("last_run_at").notNull(),
    lastOkAt: ts("last_ok_at"),
    lastError: text("last_error"),
    details: jsonb("details").$type<Record<string, unknown>>(),
  },
  (t) => [primaryKey({ columns: [t.merchantId, t.name] })],
);

export type ExpiryReminder = typeof expiryReminders.$inferSelect;
export type JobHeartbeat = typeof jobHeartbeats.$inferSelect;
export type MerchantJobHeartbeat = typeof merchantJobHeartbeats.$inferSelect;
