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
  (t) => [index("outbox_pending_idx").on(t.dispatchedAt, t.createdAt), index("outbox_merchant_idx").on(t.merchantId, t.createdAt)],
);

export type OutboxEvent = typeof outboxEvents.$inferSelect;
