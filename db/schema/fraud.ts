import { index, jsonb, pgEnum, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { createdAt, ts } from "./_common";
import { merchantOwned } from "./merchants";

export const flagRuleEnum = pgEnum("flag_rule", [
  "card_velocity",
  "cashier_velocity",
  "location_velocity",
  "large_purchase",
  "signup_burst",
  "redeem_after_earn",
  "cashier_outlier",
]);
export const flagStatusEnum = pgEnum("flag_status", ["open", "confirmed", "dismissed"]);

// A rule (lib/fraud/rules.ts) that fired, with what it saw. `subject` is what it is about: a card,
// a cashier (actor id), a location or a join address; `window` names the hour, day or entry it looked
// at, so a rule that fires again on the same window does not raise a second flag.
export const fraudFlags = pgTable(
  "fraud_flags",
  {
    ...merchantOwned(),
    rule: flagRuleEnum("rule").notNull(),
    subjectType: text("subject_type").$type<"card" | "cashier" | "location" | "signup">().notNull(),
    subjectId: text("subject_id").notNull(),
    window: text("window").notNull(),
    // The card the flag can hold (a card rule), else null.
    cardId: text("card_id"),
    summary: text("summary").notNull(),
    evidence: jsonb("evidence").$type<Record<string, unknown>>().notNull(),
    status: flagStatusEnum("status").notNull().default("open"),
    resolvedAt: ts("resolved_at"),
    resolvedBy: text("resolved_by"),
    resolutionNote: text("resolution_note"),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("fraud_flags_window_uq").on(t.merchantId, t.rule, t.subjectId, t.window),
    index("fraud_flags_merchant_status_idx").on(t.merchantId, t.status, t.createdAt),
  ],
);

export type FraudFlag = typeof fraudFlags.$inferSelect;
export type FlagRule = (typeof flagRuleEnum.enumValues)[number];
