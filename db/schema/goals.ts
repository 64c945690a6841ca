import { check, index, integer, pgEnum, pgTable, primaryKey, text } from "drizzle-orm/pg-core";
import { sql } from "drizzle-orm";
import { belongsTo, timestamps, ts } from "./_common";
import { cards } from "./cards";
import { locations, merchantOwned } from "./merchants";
import { programs } from "./programs";
import { rewards } from "./rewards";

/**
 * What a group goal counts: visits (one per earn), what members earn (points, stamps, or cashback
 * in minor units) or what they spend (purchase amounts in minor units of the program's currency).
 */
export const goalMetricEnum = pgEnum("goal_metric", ["visits", "earned", "spend"]);
export const goalStatusEnum = pgEnum("goal_status", ["active", "reached", "missed", "cancelled"]);
export const goalRewardKindEnum = pgEnum("goal_reward_kind", ["points", "voucher"]);

// "1,000 coffees this month and everyone who took part gets a free pastry": a target the members of
// a program (or of one location) reach together inside a window; everyone who contributed is rewarded once.
export const goals = pgTable(
  "goals",
  {
    ...merchantOwned(),
    programId: belongsTo("program_id", () => programs.id),
    // Only earns at this location count; null: every location and none.
    locationId: text("location_id").references(() => locations.id, { onDelete: "set null" }),
    name: text("name").notNull(),
    metric: goalMetricEnum("metric").notNull(),
    target: integer("target").notNull(),
    startsAt: ts("starts_at").notNull(),
    endsAt: ts("ends_at").notNull(),
    rewardKind: goalRewardKindEnum("reward_kind").notNull(),
    // Points (or stamps, or cashback minor units) credited to each participant, for `points`.
    rewardPoints: integer("reward_points"),
    // The catalogue reward each participant gets as a voucher, for `voucher`.
    rewardId: text("reward_id").references(() => rewards.id, { onDelete: "set null" }),
    status: goalStatusEnum("status").notNull().default("active"),
    reachedAt: ts("reached_at"),
    // Every participant's reward issued (the settle job finished).
    settledAt: ts("settled_at"),
    createdBy: text("created_by"),
    ...timestamps(),
  },
  (t) => [
    index("goals_program_status_idx").on(t.programId, t.status),
    index("goals_merchant_created_idx").on(t.merchantId, t.createdAt),
    check("goals_target_positive", sql`${t.target} > 0`),
    check("goals_window_order", sql`${t.startsAt} < ${t.endsAt}`),
  ],
);

// Who took part and how much: one row per (goal, card), written by the earn that counted. The goal's
// progress is the sum of contributions. `rewardedAt` is set in the transaction that issues the reward,
// so each participant is rewarded once whatever retries or concurrent runs do.
export const goalParticipants = pgTable(
  "goal_participants",
  {
    goalId: belongsTo("goal_id", () => goals.id),
    cardId: belongsTo("card_id", () => cards.id),
    merchantId: text("merchant_id").notNull(),
    contribution: integer("contribution").notNull(),
    joinedAt: ts("joined_at").notNull().defaultNow(),
    rewardedAt: ts("rewarded_at"),
    // The voucher or ledger entry that rewarded them.
    rewardRef: text("reward_ref"),
  },
  (t) => [primaryKey({ columns: [t.goalId, t.cardId] })],
);

export type Goal = typeof goals.$inferSelect;
export type GoalParticipant = typeof goalParticipants.$inferSelect;
export type GoalMetric = (typeof goalMetricEnum.enumValues)[number];
