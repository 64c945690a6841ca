import { date, integer, jsonb, pgTable, primaryKey, text } from "drizzle-orm/pg-core";
import { belongsTo, createdAt, ts } from "./_common";
import { cards } from "./cards";

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

// The last run of each background job, for the dashboard's job-system panel.
export const jobHeartbeats = pgTable("job_heartbeats", {
  name: text("name").primaryKey(),
  lastRunAt: ts("last_run_at").notNull(),
  lastOkAt: ts("last_ok_at"),
  lastError: text("last_error"),
  details: jsonb("details").$type<Record<string, unknown>>(),
});

export type ExpiryReminder = typeof expiryReminders.$inferSelect;
export type JobHeartbeat = typeof jobHeartbeats.$inferSelect;
