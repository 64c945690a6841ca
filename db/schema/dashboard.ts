import { date, integer, pgTable, primaryKey, text } from "drizzle-orm/pg-core";
import { belongsTo, createdAt } from "./_common";
import { merchants } from "./merchants";

// The overview's numbers for days that are over, in the merchant's time zone at the time. The
// ledger is append-only, so a finished day never changes: it is counted once and read from here.
// Today is always counted live.
export const dashboardDailyStats = pgTable(
  "dashboard_daily_stats",
  {
    merchantId: belongsTo("merchant_id", () => merchants.id),
    timezone: text("timezone").notNull(),
    day: date("day", { mode: "string" }).notNull(),
    issued: integer("issued").notNull(),
    redeemed: integer("redeemed").notNull(),
    activeCards: integer("active_cards").notNull(),
    newMembers: integer("new_members").notNull(),
    computedAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.merchantId, t.timezone, t.day] })],
);

export type DashboardDailyStats = typeof dashboardDailyStats.$inferSelect;
