import { sql } from "drizzle-orm";
import { boolean, check, index, integer, pgEnum, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { belongsTo, createdAt, ts } from "./_common";
import { users } from "./users";
import { cards } from "./cards";
import { merchantOwned, merchants } from "./merchants";
import { programs } from "./programs";

export const rewards = pgTable(
  "rewards",
  {
    ...merchantOwned(),
    programId: belongsTo("program_id", () => programs.id),
    name: text("name").notNull(),
    description: text("description"),
    cost: integer("cost").notNull(),
    // What giving the reward costs the business, in minor units of the program's currency (null:
    // not told). Insights value outstanding points with it (lib/insights/value.ts).
    value: integer("value"),
    // null: unlimited.
    inventory: integer("inventory"),
    active: boolean("active").notNull().default(true),
    // Names of the program's tiers that may redeem it; empty: every member.
    eligibleTiers: text("eligible_tiers").array().notNull().default(sql`'{}'::text[]`),
    // The window it can be redeemed in; null ends are open.
    availableFrom: ts("available_from"),
    availableUntil: ts("available_until"),
    // sha256 (hex) of its picture in reward_images, or null.
    imageHash: text("image_hash"),
    // A partner's reward: the member (partner role) who sees its redemptions.
    partnerUserId: text("partner_user_id").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
  },
  (t) => [
    index("rewards_program_idx").on(t.programId),
    index("rewards_partner_idx").on(t.partnerUserId),
    check("rewards_value_non_negative", sql`${t.value} IS NULL OR ${t.value} >= 0`),
    check("rewards_inventory_non_negative", sql`${t.inventory} IS NULL OR ${t.inventory} >= 0`),
    check("rewards_window_order", sql`${t.availableFrom} IS NULL OR ${t.availableUntil} IS NULL OR ${t.availableFrom} < ${t.availableUntil}`),
  ],
);

/** Reward pictures, stored as uploaded (PNG or JPEG, checked by their bytes) and addressed by their hash. */
export const rewardImages = pgTable(
  "reward_images",
  {
    merchantId: belongsTo("merchant_id", () => merchants.id),
    hash: text("hash").notNull(),
    contentType: text("content_type").notNull(),
    // base64 of the file's bytes.
    data: text("data").notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("reward_images_merchant_hash_uq").on(t.merchantId, t.hash), index("reward_images_hash_idx").on(t.hash)],
);

export const voucherStatusEnum = pgEnum("voucher_status", ["issued", "redeemed", "void"]);

export const vouchers = pgTable(
  "vouchers",
  {
    ...merchantOwned(),
    cardId: belongsTo("card_id", () => cards.id),
    rewardId: text("reward_id").references(() => rewards.id, { onDelete: "set null" }),
    title: text("title").notNull(),
    // Short human code, unique per merchant, e.g. K7QM-3XPA.
    code: text("code").notNull(),
    nonce: text("nonce").notNull(),
    status: voucherStatusEnum("status").notNull().default("issued"),
    entryId: text("entry_id"),
    expiresAt: ts("expires_at").notNull(),
    redeemedAt: ts("redeemed_at"),
    redeemedBy: text("redeemed_by"),
    redeemedLocationId: text("redeemed_location_id"),
    // Where a goodwill voucher was given (a till's API key, or chosen in the dashboard); null otherwise.
    issuedLocationId: text("issued_location_id"),
    // Who gave a goodwill voucher by hand (null for vouchers bought with points or a full stamp card).
    issuedBy: text("issued_by"),
    voidedAt: ts("voided_at"),
    voidedBy: text("voided_by"),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("vouchers_merchant_code_uq").on(t.merchantId, t.code),
    index("vouchers_card_idx").on(t.cardId),
    // The dashboard's and the API's list: a business's vouchers, newest first.
    index("vouchers_merchant_created_idx").on(t.merchantId, t.createdAt),
  ],
);

export type Reward = typeof rewards.$inferSelect;
export type RewardImage = typeof rewardImages.$inferSelect;
export type Voucher = typeof vouchers.$inferSelect;
