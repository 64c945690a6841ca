import { index, integer, pgEnum, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { belongsTo, createdAt, ts } from "./_common";
import { cards } from "./cards";
import { merchantOwned } from "./merchants";
import { programs } from "./programs";

/**
 * pending: the new member joined through the link and has not made a qualifying purchase yet.
 * credited: the first qualifying purchase credited the new member and (unless over the cap) the referrer.
 * refused: a self-referral (same customer, email or phone), recorded but never credited.
 */
export const referralStatusEnum = pgEnum("referral_status", ["pending", "credited", "refused"]);

/** One row per member who joined with someone's referral code (lib/lifecycle/referral.ts). */
export const referrals = pgTable(
  "referrals",
  {
    ...merchantOwned(),
    programId: belongsTo("program_id", () => programs.id),
    referrerCardId: belongsTo("referrer_card_id", () => cards.id),
    refereeCardId: belongsTo("referee_card_id", () => cards.id),
    status: referralStatusEnum("status").notNull().default("pending"),
    // Why it was refused, or why the referrer got nothing although credited ("self_referral", "cap_reached").
    reason: text("reason"),
    referrerPoints: integer("referrer_points").notNull().default(0),
    refereePoints: integer("referee_points").notNull().default(0),
    // The earn entry of the purchase that qualified.
    qualifyingEntryId: text("qualifying_entry_id"),
    creditedAt: ts("credited_at"),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("referrals_referee_uq").on(t.refereeCardId),
    index("referrals_referrer_idx").on(t.referrerCardId, t.creditedAt),
    index("referrals_program_status_idx").on(t.programId, t.status),
  ],
);

export type Referral = typeof referrals.$inferSelect;
export type ReferralStatus = (typeof referralStatusEnum.enumValues)[number];
