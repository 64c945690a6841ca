import { bigint, boolean, date, doublePrecision, index, integer, pgTable, primaryKey, text } from "drizzle-orm/pg-core";
import { belongsTo, createdAt, ts } from "./_common";
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

// Each member's RFM scores and churn estimates as of the start of a local day (lib/insights/stats.ts),
// refreshed by the nightly job or the day's first view of the Insights page: scoring every member
// reads the whole ledger, so it is done once a day, not on every view.
export const insightsMemberScores = pgTable(
  "insights_member_scores",
  {
    cardId: text("card_id").primaryKey(),
    merchantId: belongsTo("merchant_id", () => merchants.id),
    programId: text("program_id").notNull(),
    customerId: text("customer_id").notNull(),
    firstVisitAt: ts("first_visit_at").notNull(),
    lastVisitAt: ts("last_visit_at").notNull(),
    visits: integer("visits").notNull(),
    // Purchase amounts in minor units, and what RFM's M ranks (the spend, or points earned where no amount is sent).
    spend: bigint("spend", { mode: "number" }).notNull(),
    monetary: bigint("monetary", { mode: "number" }).notNull(),
    r: integer("r").notNull(),
    f: integer("f").notNull(),
    m: integer("m").notNull(),
    grp: text("grp").notNull(),
    pAlive: doublePrecision("p_alive"),
    expected90: doublePrecision("expected_90"),
  },
  // In the at-risk list's order (monetary, last visit, card): its first rows straight down the index.
  (t) => [index("insights_member_scores_group_idx").on(t.merchantId, t.programId, t.grp, t.monetary.desc(), t.lastVisitAt.desc(), t.cardId)],
);

// The day each merchant's insights snapshot (member scores, churn model, finished months) was made for.
export const insightsRefreshes = pgTable("insights_refreshes", {
  merchantId: belongsTo("merchant_id", () => merchants.id).primaryKey(),
  timezone: text("timezone").notNull(),
  day: date("day", { mode: "string" }).notNull(),
  asOf: ts("as_of").notNull(),
  computedAt: createdAt(),
});

// Monthly cohort retention for months that are over (local time): members who joined in `cohort`
// and visited in `month`, per program. Counted once when the month ends; the current month is live.
export const insightsCohortCells = pgTable(
  "insights_cohort_cells",
  {
    merchantId: belongsTo("merchant_id", () => merchants.id),
    timezone: text("timezone").notNull(),
    programId: text("program_id").notNull(),
    cohort: text("cohort").notNull(),
    month: text("month").notNull(),
    members: integer("members").notNull(),
  },
  (t) => [primaryKey({ columns: [t.merchantId, t.timezone, t.programId, t.cohort, t.month] })],
);

// Net change of the points held per program and finished local day, for the liability trend.
export const insightsDailyNet = pgTable(
  "insights_daily_net",
  {
    merchantId: belongsTo("merchant_id", () => merchants.id),
    timezone: text("timezone").notNull(),
    programId: text("program_id").notNull(),
    day: date("day", { mode: "string" }).notNull(),
    net: bigint("net", { mode: "number" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.merchantId, t.timezone, t.programId, t.day] })],
);

export type InsightsMemberScore = typeof insightsMemberScores.$inferSelect;

// What the Insights page's money metrics add up, per card and finished local day (and where and by
// whom): visits (earns), purchases sent with them and their amount in the merchant's currency,
// points issued, redeemed and expired, without entries reversed by a reversal the refresh saw
// (lib/insights/aggregates.ts). Today is read live from the ledger. Rows of a card-day are
// recounted when one of its entries is reversed later.
export const insightsCardDays = pgTable(
  "insights_card_days",
  {
    merchantId: belongsTo("merchant_id", () => merchants.id),
    timezone: text("timezone").notNull(),
    day: date("day", { mode: "string" }).notNull(),
    cardId: text("card_id").notNull(),
    programId: text("program_id").notNull(),
    // '' when the entries had no location, or were not made by a team member.
    locationId: text("location_id").notNull(),
    cashierId: text("cashier_id").notNull(),
    visits: integer("visits").notNull(),
    purchases: integer("purchases").notNull(),
    revenue: bigint("revenue", { mode: "number" }).notNull(),
    issued: bigint("issued", { mode: "number" }).notNull(),
    redeemed: bigint("redeemed", { mode: "number" }).notNull(),
    expired: bigint("expired", { mode: "number" }).notNull(),
    // On one row of each card-day (the first by location, then cashier; 0 and null on the others):
    // the card's visits that day, its two visit days before and the visits on the first of them, so
    // visitors and repeat visitors of a range are counted row by row, without grouping by card.
    dayVisits: integer("day_visits").notNull().default(0),
    prevDay: date("prev_day", { mode: "string" }),
    prevVisits: integer("prev_visits"),
    prev2Day: date("prev2_day", { mode: "string" }),
  },
  (t) => [
    primaryKey({ columns: [t.merchantId, t.timezone, t.day, t.cardId, t.locationId, t.cashierId] }),
    index("insights_card_days_card_idx").on(t.merchantId, t.timezone, t.cardId, t.day),
    // The location and cashier filters' rows, without reading the other places' days.
    index("insights_card_days_place_idx").on(t.merchantId, t.timezone, t.locationId, t.cashierId, t.day),
  ],
);

// The money sums of insights_card_days per finished local day, program, location and cashier
// (lib/insights/aggregates.ts keeps them equal to its rows at each refresh): a range's visits,
// purchases, revenue and points read from a few hundred rows instead of every card-day.
export const insightsDayTotals = pgTable(
  "insights_day_totals",
  {
    merchantId: belongsTo("merchant_id", () => merchants.id),
    timezone: text("timezone").notNull(),
    day: date("day", { mode: "string" }).notNull(),
    programId: text("program_id").notNull(),
    locationId: text("location_id").notNull(),
    cashierId: text("cashier_id").notNull(),
    visits: bigint("visits", { mode: "number" }).notNull(),
    purchases: bigint("purchases", { mode: "number" }).notNull(),
    revenue: bigint("revenue", { mode: "number" }).notNull(),
    issued: bigint("issued", { mode: "number" }).notNull(),
    redeemed: bigint("redeemed", { mode: "number" }).notNull(),
    expired: bigint("expired", { mode: "number" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.merchantId, t.timezone, t.day, t.programId, t.locationId, t.cashierId] })],
);

// The cohort heat map's current month so far: per program and joining month, the members with a
// visit on the month's finished days, counted from insights_card_days at each refresh (lib/insights/aggregates.ts).
export const insightsMonthVisitors = pgTable(
  "insights_month_visitors",
  {
    merchantId: belongsTo("merchant_id", () => merchants.id),
    timezone: text("timezone").notNull(),
    month: text("month").notNull(),
    programId: text("program_id").notNull(),
    cohort: text("cohort").notNull(),
    members: integer("members").notNull(),
  },
  (t) => [primaryKey({ columns: [t.merchantId, t.timezone, t.month, t.programId, t.cohort] })],
);

// The money metrics' visitors and repeat visitors of the default ranges (the 30 days to `day` and
// the 30 before), per program, counted from insights_card_days' visit chains at the refresh of
// `day` (lib/insights/aggregates.ts); `current` tells the two ranges apart.
export const insightsRangeCounts = pgTable(
  "insights_range_counts",
  {
    merchantId: belongsTo("merchant_id", () => merchants.id),
    timezone: text("timezone").notNull(),
    day: date("day", { mode: "string" }).notNull(),
    programId: text("program_id").notNull(),
    current: boolean("current").notNull(),
    visitors: integer("visitors").notNull(),
    repeaters: integer("repeaters").notNull(),
  },
  (t) => [primaryKey({ columns: [t.merchantId, t.timezone, t.day, t.programId, t.current] })],
);

// How far insights_card_days goes for a merchant: the local days before `throughDay`, in this time
// zone and currency, with the entries reversed by reversals up to ledger seq `reversalsSeq` left out.
export const insightsAggregates = pgTable("insights_aggregates", {
  merchantId: belongsTo("merchant_id", () => merchants.id).primaryKey(),
  timezone: text("timezone").notNull(),
  currency: text("currency").notNull(),
  throughDay: date("through_day", { mode: "string" }).notNull(),
  reversalsSeq: bigint("reversals_seq", { mode: "number" }).notNull(),
  computedAt: createdAt(),
});

// Each RFM group's summary of a program as of the day's snapshot (lib/insights/stats.ts), so the
// Insights page does not aggregate every member on each view. Group '*' holds the program's
// members (active cards made before the snapshot) and whether any scored member sent a spend.
export const insightsGroupStats = pgTable(
  "insights_group_stats",
  {
    merchantId: belongsTo("merchant_id", () => merchants.id),
    programId: text("program_id").notNull(),
    grp: text("grp").notNull(),
    members: integer("members").notNull(),
    // Mean last visit, in seconds since the epoch: days since it are counted at read time.
    avgLastVisit: doublePrecision("avg_last_visit").notNull(),
    avgVisits: doublePrecision("avg_visits").notNull(),
    avgMonetary: doublePrecision("avg_monetary").notNull(),
    expected90: doublePrecision("expected_90"),
    spenders: boolean("spenders").notNull().default(false),
  },
  (t) => [primaryKey({ columns: [t.merchantId, t.programId, t.grp] })],
);
