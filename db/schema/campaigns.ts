import { index, integer, jsonb, pgEnum, pgTable, primaryKey, text } from "drizzle-orm/pg-core";
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

// The audience of a campaign, fixed when it starts (for every audience except `everyone`).
export const campaignMembers = pgTable(
  "campaign_members",
  {
    campaignId: belongsTo("campaign_id", () => campaigns.id),
    cardId: belongsTo("card_id", () => cards.id),
  },
  (t) => [primaryKey({ columns: [t.campaignId, t.cardId] })],
);

// Saved segments: a named list of cards a marketer can target.
export const segments = pgTable(
  "segments",
  {
    ...merchantOwned(),
    programId: belongsTo("program_id", () => programs.id),
    name: text("name").notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("segments_merchant_idx").on(t.merchantId)],
);

export const segmentMembers = pgTable(
  "segment_members",
  {
    segmentId: belongsTo("segment_id", () => segments.id),
    cardId: belongsTo("card_id", () => cards.id),
  },
  (t) => [primaryKey({ columns: [t.segmentId, t.cardId] })],
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
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.key, t.cardId] }), index("bonus_grants_merchant_idx").on(t.merchantId, t.createdAt)],
);

/** Birthday, referral and win-back settings of a program; absent or zero means off. */
export const lifecycleSettings = pgTable("lifecycle_settings", {
  programId: extensionOf("program_id", () => programs.id),
  merchantId: text("merchant_id").notNull(),
  birthdayBonus: integer("birthday_bonus").notNull().default(0),
  referrerBonus: integer("referrer_bonus").notNull().default(0),
  refereeBonus: integer("referee_bonus").notNull().default(0),
  winbackDays: integer("winback_days"),
  winbackBonus: integer("winback_bonus").notNull().default(0),
  updatedAt: updatedAt(),
});

export type Campaign = typeof campaigns.$inferSelect;
export type CampaignStatus = (typeof campaignStatusEnum.enumValues)[number];
export type Segment = typeof segments.$inferSelect;
export type BonusGrant = typeof bonusGrants.$inferSelect;
export type LifecycleSettings = typeof lifecycleSettings.$inferSelect;
