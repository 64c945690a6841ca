import { sql } from "drizzle-orm";
import { boolean, check, index, integer, pgEnum, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { belongsTo, createdAt, ts } from "./_common";
import { cards } from "./cards";
import { merchantOwned } from "./merchants";
import { programs } from "./programs";

export const rewards = pgTable(
  "rewards",
  {
    ...merchantOwned(),
    programId: belongsTo("program_id", () => programs.id),
    name: text("name").notNull(),
    description: text("description"),
    cost: integer("cost").notNull(),
    // null: unlimited.
    inventory: integer("inventory"),
    active: boolean("active").notNull().default(true),
    createdAt: createdAt(),
  },
  (t) => [index("rewards_program_idx").on(t.programId), check("rewards_inventory_non_negative", sql`${t.inventory} IS NULL OR ${t.inventory} >= 0`)],
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
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("vouchers_merchant_code_uq").on(t.merchantId, t.code), index("vouchers_card_idx").on(t.cardId)],
);

export type Reward = typeof rewards.$inferSelect;
export type Voucher = typeof vouchers.$inferSelect;
