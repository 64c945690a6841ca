import { sql } from "drizzle-orm";
import { bigint, index, integer, jsonb, pgEnum, pgTable, primaryKey, text, uniqueIndex } from "drizzle-orm/pg-core";
import { belongsTo, createdAt, id, ts } from "./_common";
import { cards } from "./cards";
import { merchantOwned, merchants } from "./merchants";

export const entryKindEnum = pgEnum("entry_kind", ["earn", "redeem", "adjust", "reverse", "expire", "bonus", "payout"]);
export const actorTypeEnum = pgEnum("actor_type", ["user", "api_key", "system", "customer"]);

// Append-only: rows are never updated or deleted; a mistake is undone by a `reverse` entry.
export const ledgerEntries = pgTable(
  "ledger_entries",
  {
    id: id(),
    // Monotonic order for cursors and "newest first".
    seq: bigint("seq", { mode: "number" }).generatedAlwaysAsIdentity().notNull(),
    merchantId: belongsTo("merchant_id", () => merchants.id),
    cardId: belongsTo("card_id", () => cards.id),
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

// Each earn opens a lot; spending consumes the oldest open lots; expiry closes what is left.
export const pointLots = pgTable(
  "point_lots",
  {
    ...merchantOwned(),
    cardId: belongsTo("card_id", () => cards.id),
    entryId: text("entry_id").notNull(),
    amount: integer("amount").notNull(),
    remaining: integer("remaining").notNull(),
    expiresAt: ts("expires_at"),
    createdAt: createdAt(),
  },
  (t) => [
    index("point_lots_card_idx").on(t.cardId, t.createdAt),
    // A card's open lots, oldest first: what a redemption consumes and the expiry closes. Every
    // read of a card's lots wants only the open ones; through the index above it visits each closed
    // lot's row too (seven of eight, on a card with some history). The full index stays for the
    // cascade from cards.
    index("point_lots_open_card_idx").on(t.cardId, t.createdAt).where(sql`${t.remaining} > 0`),
    // Open lots by expiry, for the expiry job and its reminders: closed lots (most of them, over
    // the years) are not in it, so the due scan never walks past them.
    index("point_lots_open_expires_idx").on(t.expiresAt, t.cardId).where(sql`${t.remaining} > 0`),
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
