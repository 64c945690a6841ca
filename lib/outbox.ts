import { sql, type SQL } from "drizzle-orm";
import type { Executor } from "../db/client";
import { slot } from "../db/statement";
import { outboxEvents } from "../db/schema";
import type { DomainEvent, EventType } from "./events/catalogue";
import { newId } from "./ids";

/** The Postgres NOTIFY channel live views listen on (dashboard feed, card pages). */
export const EVENTS_CHANNEL = "keepcard_events";

/** What live views hear: every domain event, plus one summary per batch of a bulk credit (lib/ledger/bulk.ts). */
export type NotifiedEvent = { id: string; merchantId: string; type: EventType | "cards.bulk_changed"; payload: Record<string, unknown>; at: string };

/** An event's outbox row and what NOTIFY carries for it, as the SQL parameters of either. */
function eventRow(merchantId: string, event: DomainEvent, at: string) {
  const row = { id: newId("evt"), merchantId, type: event.type, payload: event.payload as Record<string, unknown> };
  return { ...row, payloadJson: JSON.stringify(row.payload), notice: JSON.stringify({ ...row, at } satisfies NotifiedEvent) };
}

/**
 * SQL pieces that record events (their names and payloads are defined in lib/events/catalogue.ts;
 * here they are only types, so the earn path pays nothing for validation): an insert for a
 * data-modifying CTE, and the pg_notify calls.
 */
export function eventsSql(merchantId: string, events: DomainEvent[]): { ids: string[]; insert: SQL; notify: SQL } {
  const at = new Date().toISOString();
  const rows = events.map((e) => eventRow(merchantId, e, at));
  const values = rows.map((r) => sql`(${r.id}, ${r.merchantId}, ${r.type}, ${r.payloadJson}::jsonb)`);
  const notices = rows.map((r) => sql`pg_notify(${EVENTS_CHANNEL}, ${r.notice})`);
  return {
    ids: rows.map((r) => r.id),
    insert: sql`insert into ${outboxEvents} (id, merchant_id, type, payload) values ${sql.join(values, sql`, `)}`,
    notify: sql.join(notices, sql`, `),
  };
}

/**
 * One event as parts of a cached statement (db/statement.ts), for the ledger's entry statement: the
 * insert and the pg_notify with slots, and `oneEventValues` to fill them.
 */
export const ONE_EVENT = {
  insert: sql`insert into ${outboxEvents} (id, merchant_id, type, payload)
              values (${slot("event_id")}, ${slot("event_merchant_id")}, ${slot("event_type")}, ${slot("event_payload")}::jsonb)`,
  notify: sql`pg_notify(${EVENTS_CHANNEL}, ${slot("event_notice")})`,
};

export function oneEventValues(merchantId: string, event: DomainEvent): Record<string, unknown> {
  const row = eventRow(merchantId, event, new Date().toISOString());
  return { event_id: row.id, event_merchant_id: row.merchantId, event_type: row.type, event_payload: row.payloadJson, event_notice: row.notice };
}

/**
 * Records events inside the caller's transaction, and NOTIFYs them in the same transaction:
 * Postgres delivers a notification only when the transaction commits, so listeners never hear
 * of a change that rolled back. Dispatch to Inngest happens after commit, from the outbox.
 */
export async function recordEvents(db: Executor, merchantId: string, events: DomainEvent[]): Promise<string[]> {
  if (events.length === 0) return [];
  // One statement: the insert runs as a data-modifying CTE (always executed), the select notifies.
  const { ids, insert, notify } = eventsSql(merchantId, events);
  await db.execute(sql`with inserted as (${insert}) select ${notify}`);
  return ids;
}
