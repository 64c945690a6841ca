import { boolean, index, integer, jsonb, pgEnum, pgTable, text } from "drizzle-orm/pg-core";
import type { EarningRules } from "../../lib/rules/schema";
import type { ExpiryPolicy } from "../../lib/expiry/policy";
import type { TierLadder } from "../../lib/tiers/schema";
import type { PassDesign } from "../../lib/programs/design";
import { timestamps, ts } from "./_common";
import { merchantOwned } from "./merchants";

export const programKindEnum = pgEnum("program_kind", ["points", "stamps", "cashback"]);
export const programStatusEnum = pgEnum("program_status", ["active", "paused", "archived"]);

export const programs = pgTable(
  "programs",
  {
    ...merchantOwned(),
    name: text("name").notNull(),
    kind: programKindEnum("kind").notNull(),
    status: programStatusEnum("status").notNull().default("active"),
    currency: text("currency").notNull(),
    rules: jsonb("rules").$type<EarningRules>().notNull(),
    tiers: jsonb("tiers").$type<TierLadder | null>(),
    expiry: jsonb("expiry").$type<ExpiryPolicy>().notNull(),
    // Stamp programs: stamps that complete a card, and the reward its voucher is for.
    stampsRequired: integer("stamps_required"),
    stampRewardId: text("stamp_reward_id"),
    // Days before expiry when a reminder goes out, for example [14, 3].
    reminderDays: jsonb("reminder_days").$type<number[]>().notNull().default([14, 3]),
    design: jsonb("design").$type<PassDesign>().notNull(),
    // When the program ends (null: it runs on): the passes expire then (Apple expirationDate, Google validTimeInterval.end).
    endsAt: ts("ends_at"),
    // A refund of a purchase whose points were already spent: true leaves the balance negative,
    // false records a debt on the card that the next earn pays first (lib/ledger/refund.ts).
    refundsMayGoNegative: boolean("refunds_may_go_negative").notNull().default(false),
    ...timestamps(),
  },
  (t) => [index("programs_merchant_idx").on(t.merchantId)],
);

export type Program = typeof programs.$inferSelect;
/**
 * A program as a balance change reads it (lib/ledger/core.ts): every column but the pass's design,
 * whose logo and strip may be images written inline (data URLs of up to 600 KB together).
 */
export type LedgerProgram = Omit<Program, "design">;
export type ProgramKind = (typeof programKindEnum.enumValues)[number];
