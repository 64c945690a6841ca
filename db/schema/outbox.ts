import { sql } from "drizzle-orm";
import { index, integer, jsonb, pgTable, text } from "drizzle-orm/pg-core";
import { createdAt, ts } from "./_common";

// Domain events written in the same transaction as the change they describe.
export const outboxEvents = pgTable(
  "outbox_events",
  {
    id: text("id").primaryKey(),
    merchantId: text("merchant_id").notNull(),
    type: text("type").notNull(),
    payload: jsonb("payload").$type<Record<string, unknown>>().notNull(),
    createdAt: createdAt(),
    dispatchedAt: ts("dispatched_at"),
    attempts: integer("attempts").notNull().default(0),
    lastError: text("last_error"),
  },
  (t) => [
    // The events still to send, oldest first (the sweep) and per business (the send after a commit,
    // the dashboard's job panel), in the order they are sent. Partial: a sent event leaves them at
    // the next vacuum. Through (dispatched_at, created_at) a business's pending events were every
    // business's pending ones, filtered and sorted; in a ten-minute soak on a server without
    // autovacuum that read went from 0.6 to 10 ms and 2,500 pages a call (docs/scaling.md).
    index("outbox_pending_idx").on(t.createdAt, t.id).where(sql`dispatched_at is null`),
    index("outbox_pending_merchant_idx").on(t.merchantId, t.createdAt, t.id).where(sql`dispatched_at is null`),
    // No index on all of a business's events: nothing reads them but by pending, and every balance
    // change paid one more index entry for it.
  ],
);

export type OutboxEvent = typeof outboxEvents.$inferSelect;
