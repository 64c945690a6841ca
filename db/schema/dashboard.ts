import { date, doublePrecision, integer, pgTable, primaryKey, text } from "drizzle-orm/pg-core";
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

// The BG/NBD churn model fitted to a program's visit history (lib/insights/rfm.ts), once per local
// day: fitting takes seconds on a big program, its parameters move slowly, and every view of the
// Insights page that day reads them from here.
export const insightsModelFits = pgTable(
  "insights_model_fits",
  {
    merchantId: belongsTo("merchant_id", () => merchants.id),
    programId: text("program_id").notNull(),
    day: date("day", { mode: "string" }).notNull(),
    r: doublePrecision("r").notNull(),
    alpha: doublePrecision("alpha").notNull(),
    a: doublePrecision("a").notNull(),
    b: doublePrecision("b").notNull(),
    members: integer("members").notNull(),
    logLikelihood: doublePrecision("log_likelihood").notNull(),
    computedAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.merchantId, t.programId, t.day] })],
);

export type InsightsModelFit = typeof insightsModelFits.$inferSelect;
