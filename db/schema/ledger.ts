import { sql } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import { bigint, check, foreignKey, index, integer, jsonb, pgEnum, pgTable, primaryKey, text, uniqueIndex } from "drizzle-orm/pg-core";
import { belongsTo, createdAt, id, ts } from "./_common";
import { cards } from "./cards";
import { merchants } from "./merchants";

export const entryKindEnum = pgEnum("entry_kind", ["earn", "redeem", "adjust", "reverse", "expire", "bonus", "payout"]);
export const actorTypeEnum = pgEnum("actor_type", ["user", "api_key", "system", "customer"]);

/**
 * A ledger row's card, and the card's merchant, in one foreign key onto cards (id, merchant_id):
 * the row is deleted with its card (and so with its merchant, whose cards go with it), and it can
 * only name the merchant its card belongs to. A foreign key of its own onto merchants checked the
 * same merchant row for every entry and lot written, a FOR KEY SHARE lock that all of a business's
 * concurrent balance changes took on that one row (a new MultiXact each time two overlapped, and the
 * row's lock word rewritten with every entry); through the card, the check lands on the row the
 * entry's own statement has just updated.
 */
function cardOfMerchant(table: string, t: { cardId: AnyPgColumn; merchantId: AnyPgColumn }) {
  return foreignKey({ name: `${table}_card_merchant_fk`, columns: [t.cardId, t.merchantId], foreignColumns: [cards.id, cards.merchantId] }).onDelete("cascade");
}

// Append-only: rows are never updated or deleted; a mistake is undone by a `reverse` entry.
export const ledgerEntries = pgTable(
  "ledger_entries",
  {
    id: id(),
    // Monotonic order for cursors and "newest first".
    seq: bigint("seq", { mode: "number" }).generatedAlwaysAsIdentity().notNull(),
    // Both held to the card by one foreign key (cardOfMerchant, below).
    merchantId: text("merchant_id").notNull(),
    cardId: text("card_id").notNull(),
    kind: entryKindEnum("kind").notNull(),
    amount: integer("amount").notNull(),
    balanceAfter: integer("balance_after").notNull(),
    actorType: actorTypeEnum("actor_type").notNull(),
    actorId: text("actor_id"),
    // Where it came from: api, dashboard, scanner, job, card_page, seed, or an earn connector (shopify, stripe, square).
    source: text("source").notNull(),
    reference: text("reference"),
    reversesEntryId: text("reverses_entry_id"),
    locationId: text("location_id"),
    details: jsonb("details").$type<Record<string, unknown>>(),
    createdAt: createdAt(),
  },
  (t) => [
    cardOfMerchant("ledger_entries", t),
    uniqueIndex("ledger_entries_seq_uq").on(t.seq),
    // A card's entries in order (history), and with kind, time and amount in the key the earn's sums
    // over the card's entries (the tier window, a daily cap) are read from the index alone: through
    // (card_id, seq) each entry was a visit to its own heap page, ten or more random reads per earn
    // once the ledger no longer fits in memory.
    index("ledger_entries_card_seq_idx").on(t.cardId, t.seq, t.kind, t.createdAt, t.amount),
    index("ledger_entries_merchant_created_idx").on(t.merchantId, t.createdAt),
    // Partial: almost no entry reverses another, and a full index took one (null) entry per write.
    uniqueIndex("ledger_entries_reverses_uq").on(t.reversesEntryId).where(sql`${t.reversesEntryId} is not null`),
    // A merchant's reversals in order (few): the Insights aggregates' correction for reversals since their refresh.
    index("ledger_entries_reversals_idx").on(t.merchantId, t.seq).where(sql`kind = 'reverse'`),
  ],
);

// Each earn opens a lot; spending consumes the oldest open lots; expiry closes what is left. A row
// is an open lot: the statement that takes a lot's last point deletes it (the `expire` entry lists
// the lots it closed). Closed lots were never read again, yet on a card with a year of history most
// of its rows were closed ones, and every close wrote a new row version with two index entries (a
// `remaining` in an index predicate rules out a heap-only update); a delete writes neither.
export const pointLots = pgTable(
  "point_lots",
  {
    id: id(),
    // Both held to the card by one foreign key (cardOfMerchant, below).
    merchantId: text("merchant_id").notNull(),
    cardId: text("card_id").notNull(),
    entryId: text("entry_id").notNull(),
    amount: integer("amount").notNull(),
    remaining: integer("remaining").notNull(),
    expiresAt: ts("expires_at"),
    createdAt: createdAt(),
  },
  (t) => [
    cardOfMerchant("point_lots", t),
    // A card's lots, oldest first: what a redemption consumes and the expiry closes.
    index("point_lots_card_idx").on(t.cardId, t.createdAt),
    // Lots by expiry, for the expiry job and its reminders (lots that never expire are left out).
    // No index mentions `remaining`, so a redemption that takes part of a lot is a heap-only update.
    index("point_lots_expires_idx").on(t.expiresAt, t.cardId).where(sql`${t.expiresAt} is not null`),
    check("point_lots_open", sql`${t.remaining} > 0`),
  ],
);

// One row per (merchant, key): the first result of a retried write.
export const idempotencyKeys = pgTable(
  "idempotency_keys",
  {
    merchantId: belongsTo("merchant_id", () => merchants.id),
    key: text("key").notNull(),
    requestHash: text("request_hash").notNull(),
    status: integer("status"),
    response: jsonb("response"),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.merchantId, t.key] })],
);

export type LedgerEntry = typeof ledgerEntries.$inferSelect;
export type PointLot = typeof pointLots.$inferSelect;
export type EntryKind = (typeof entryKindEnum.enumValues)[number];
export type ActorType = (typeof actorTypeEnum.enumValues)[number];
