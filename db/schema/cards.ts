import { sql } from "drizzle-orm";
import { check, index, integer, pgEnum, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { belongsTo, timestamps, ts } from "./_common";
import { customers } from "./customers";
import { merchantOwned } from "./merchants";
import { programs } from "./programs";

export const cardStatusEnum = pgEnum("card_status", ["active", "closed"]);

export const cards = pgTable(
  "cards",
  {
    ...merchantOwned(),
    programId: belongsTo("program_id", () => programs.id),
    customerId: belongsTo("customer_id", () => customers.id),
    // Points, stamps on the current card, or cashback in minor units: cached sum of the ledger.
    balance: integer("balance").notNull().default(0),
    lifetimeEarned: integer("lifetime_earned").notNull().default(0),
    tier: text("tier"),
    status: cardStatusEnum("status").notNull().default("active"),
    // Unguessable token of the customer's card page (/c/{publicToken}).
    publicToken: text("public_token").notNull().unique(),
    // Apple Wallet authenticationToken; never changes.
    walletAuthToken: text("wallet_auth_token").notNull(),
    referralCode: text("referral_code").notNull().unique(),
    referredByCardId: text("referred_by_card_id"),
    lastActivityAt: ts("last_activity_at").notNull().defaultNow(),
    // Set while a fraud flag (lib/fraud) holds the card: earns are refused until someone reviews it.
    // Read from the row earn already locks, so the check costs nothing.
    heldByFlagId: text("held_by_flag_id"),
    // What a refund could not take back because the points were already spent (lib/ledger/refund.ts):
    // the next earn pays it first. Read from the row earn already locks.
    debt: integer("debt").notNull().default(0),
    // The address the public join page saw (lib/http/client-ip.ts), for the sign-up burst rule.
    joinIp: text("join_ip"),
    // Bumped on every change that shows on a pass; Apple's Last-Modified and Google's PATCH follow it.
    version: integer("version").notNull().default(1),
    ...timestamps(),
  },
  (t) => [
    // The balance goes below zero only through a refund on a program that allows it (lib/ledger/refund.ts).
    check("cards_debt_non_negative", sql`${t.debt} >= 0`),
    uniqueIndex("cards_program_customer_uq").on(t.programId, t.customerId),
    // What the ledger's rows point at (db/schema/ledger.ts, cardOfMerchant): a card with its merchant.
    uniqueIndex("cards_id_merchant_uq").on(t.id, t.merchantId),
    index("cards_merchant_idx").on(t.merchantId, t.createdAt),
    index("cards_customer_idx").on(t.customerId),
  ],
);

export type Card = typeof cards.$inferSelect;
