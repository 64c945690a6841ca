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

/**
 * SQL pieces that record events (their names and payloads are defined in lib/events/catalogue.ts;
 * here they are only types, so the earn path pays nothing for validation): an insert for a
 * data-modifying CTE, and the pg_notify calls.
 */
export function eventsSql(merchantId: string, events: DomainEvent[]): { ids: string[]; insert: SQL; notify: SQL } {
  const at = new Date().toISOString();
  const rows = events.map((e) => ({ id: newId("evt"), merchantId, type: e.type, payload: e.payload as Record<string, unknown> }));
  const values = rows.map((r) => sql`(${r.id}, ${r.merchantId}, ${r.type}, ${JSON.stringify(r.payload)}::jsonb)`);
  const notices = rows.map((r) => sql`pg_notify(${EVENTS_CHANNEL}, ${JSON.stringify({ ...r, at } satisfies NotifiedEvent)})`);
  return {
    ids: rows.map((r) => r.id),
    insert: sql`insert into ${outboxEvents} (id, merchant_id, type, payload) values ${sql.join(values, sql`, `)}`,
    notify: sql.join(notices, sql`, `),
  };
}

/**
 * One event recorded by a cached statement (db/statement.ts), for the ledger's entry statement: the
 * payload is a jsonb expression over that statement's own slots, so the event adds no JSON built in
 * JS nor a copy of it to send. `insert` is to run as the CTE named `events`; `notify`, in the
 * statement's select list, sends live views what recordEvents sends them. Its slots: `event_id`,
 * `event_merchant_id` and `event_at` (ISO text, as NotifiedEvent carries it).
 */
export function eventSql(type: EventType, payload: SQL, onlyIf?: SQL): { insert: SQL; notify: SQL } {
  return {
    insert: sql`insert into ${outboxEvents} (id, merchant_id, type, payload)
                select ${slot("event_id")}, ${slot("event_merchant_id")}, ${type}, ${payload}${onlyIf ? sql` where ${onlyIf}` : sql``} returning payload`,
    notify: sql`pg_notify(${EVENTS_CHANNEL}, (
      select json_build_object('id', ${slot("event_id")}::text, 'merchantId', ${slot("event_merchant_id")}::text, 'type', ${type}::text,
                               'payload', payload, 'at', ${slot("event_at")}::text)::text
      from events))`,
  };
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
