import { boolean, index, integer, jsonb, pgEnum, pgTable, primaryKey, text } from "drizzle-orm/pg-core";
import { belongsTo, createdAt, extensionOf, timestamps, ts, updatedAt } from "./_common";
import { cards } from "./cards";
import { merchantOwned } from "./merchants";
import { programs } from "./programs";

export const campaignStatusEnum = pgEnum("campaign_status", ["draft", "scheduled", "active", "ended", "cancelled"]);

/** Who a campaign is for. Everything but `everyone` is resolved once, when the campaign starts. */
export type CampaignAudience =
  | { kind: "everyone" }
  | { kind: "tier"; tier: string }
  | { kind: "inactive"; days: number }
  | { kind: "birthday_month" }
  | { kind: "segment"; segmentId: string }
  // Members of a named RFM group of the campaign's program (lib/insights/rfm.ts), as scored at the start.
  | { kind: "rfm_group"; group: string };

/** What a campaign does while it runs. */
export type CampaignEffect = { kind: "multiplier"; factor: number } | { kind: "bonus"; points: number } | { kind: "double_stamps" };

export type CampaignAnnouncement = { subject: string; message: string; email: boolean; wallet: boolean };

export const campaigns = pgTable(
  "campaigns",
  {
    ...merchantOwned(),
    programId: belongsTo("program_id", () => programs.id),
    name: text("name").notNull(),
    status: campaignStatusEnum("status").notNull().default("draft"),
    audience: jsonb("audience").$type<CampaignAudience>().notNull(),
    effect: jsonb("effect").$type<CampaignEffect>().notNull(),
    announcement: jsonb("announcement").$type<CampaignAnnouncement | null>(),
    startsAt: ts("starts_at").notNull(),
    endsAt: ts("ends_at").notNull(),
    // The most the campaign may give away, in the program's unit (minor units of its currency for
    // cashback), and what it has given so far. Bonuses and multiplier extras stop at the budget.
    budget: integer("budget"),
    // A share of the audience (0–50 %) that gets nothing, to measure the campaign against.
    // Drawn when the campaign starts and stored on campaign_members (lib/campaigns/holdout.ts).
    holdoutPercent: integer("holdout_percent").notNull().default(0),
    spent: integer("spent").notNull().default(0),
    // Bumped on every (re)schedule; a run started for an older schedule stops at its next step.
    scheduleVersion: integer("schedule_version").notNull().default(0),
    activatedAt: ts("activated_at"),
    announcedAt: ts("announced_at"),
    endedAt: ts("ended_at"),
    cancelledAt: ts("cancelled_at"),
    createdBy: text("created_by"),
    ...timestamps(),
  },
  (t) => [index("campaigns_merchant_starts_idx").on(t.merchantId, t.startsAt), index("campaigns_program_status_idx").on(t.programId, t.status)],
);

// The audience of a campaign, fixed when it starts (for every audience except `everyone` without a
// holdout). `holdout` members are in the audience but get nothing: the comparison group.
export const campaignMembers = pgTable(
  "campaign_members",
  {
    campaignId: belongsTo("campaign_id", () => campaigns.id),
    cardId: belongsTo("card_id", () => cards.id),
    holdout: boolean("holdout").notNull().default(false),
  },
  (t) => [primaryKey({ columns: [t.campaignId, t.cardId] })],
);

/**
 * One row per bonus a card received for a reason (`campaign:<id>`, `birthday:<year>`, `referral:<card>`,
 * `winback:<date>`…), written in the same transaction as the ledger entry: a rerun finds it and pays nothing.
 */
export const bonusGrants = pgTable(
  "bonus_grants",
  {
    key: text("key").notNull(),
    cardId: belongsTo("card_id", () => cards.id),
    merchantId: text("merchant_id").notNull(),
    entryId: text("entry_id").notNull(),
    points: integer("points").notNull(),
    // A grant paid as a voucher (a birthday reward from the catalog) rather than points.
    voucherId: text("voucher_id"),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.key, t.cardId] }), index("bonus_grants_merchant_idx").on(t.merchantId, t.createdAt), index("bonus_grants_card_idx").on(t.cardId, t.createdAt)],
);

/**
 * A program's automations (lib/lifecycle/automations.ts): welcome, birthday, referral and win-back
 * bonuses. Each has its own switch; a switched-off automation keeps its settings. Amounts are in
 * the program's unit (points, stamps, or minor units of its currency for cashback).
 */
export const lifecycleSettings = pgTable("lifecycle_settings", {
  programId: extensionOf("program_id", () => programs.id),
  merchantId: text("merchant_id").notNull(),
  welcomeEnabled: boolean("welcome_enabled").notNull().default(false),
  welcomeBonus: integer("welcome_bonus").notNull().default(0),
  birthdayEnabled: boolean("birthday_enabled").notNull().default(false),
  birthdayBonus: integer("birthday_bonus").notNull().default(0),
  // A reward of the catalog given as a voucher instead of the points.
  birthdayRewardId: text("birthday_reward_id"),
  // Granted from this many days before the birthday (0: on the day).
  birthdayDaysBefore: integer("birthday_days_before").notNull().default(0),
  referralEnabled: boolean("referral_enabled").notNull().default(false),
  referrerBonus: integer("referrer_bonus").notNull().default(0),
  refereeBonus: integer("referee_bonus").notNull().default(0),
  // The new member's first purchase of at least this much (minor units) credits the referral; 0: any earn.
  referralMinPurchase: integer("referral_min_purchase").notNull().default(0),
  // Credited referrals per referrer per calendar month (the merchant's time zone); null: no cap.
  referralMonthlyCap: integer("referral_monthly_cap"),
  winbackEnabled: boolean("winback_enabled").notNull().default(false),
  winbackDays: integer("winback_days"),
  winbackBonus: integer("winback_bonus").notNull().default(0),
  updatedAt: updatedAt(),
});

export type Campaign = typeof campaigns.$inferSelect;
export type CampaignStatus = (typeof campaignStatusEnum.enumValues)[number];
export type BonusGrant = typeof bonusGrants.$inferSelect;
export type LifecycleSettings = typeof lifecycleSettings.$inferSelect;
