import { sql, type SQL } from "drizzle-orm";
import { getDbHandle, type Executor } from "../db/client";
import { onCommit } from "../db/commit";
import { cachedStatement, slot } from "../db/statement";
import { outboxEvents } from "../db/schema";
import { afterCommit } from "./events/after-commit";
import type { DomainEvent, EventType } from "./events/catalogue";
import { newId } from "./ids";

/** The Postgres NOTIFY channel live views listen on (dashboard feed, card pages). */
export const EVENTS_CHANNEL = "keepcard_events";

/** What live views hear: every domain event, plus one summary per batch of a bulk credit (lib/ledger/bulk.ts). */
export type NotifiedEvent = { id: string; merchantId: string; type: EventType | "cards.bulk_changed"; payload: Record<string, unknown>; at: string };

/**
 * The insert of one event recorded by a cached statement (db/statement.ts), to run as a CTE of the
 * ledger's entry statement or the redemption: the payload is a jsonb expression over that
 * statement's own slots, so the event adds no JSON built in JS (event names and payloads are defined
 * in lib/events/catalogue.ts; here they are only types, so the earn path pays nothing for
 * validation). Its slots are `event_id` and `event_merchant_id`; the caller announces `event_id`
 * once the statement has run (announceEvents), and when `onlyIf` held it back nothing is heard.
 */
export function eventSql(type: EventType, payload: SQL, onlyIf?: SQL): SQL {
  return sql`insert into ${outboxEvents} (id, merchant_id, type, payload)
    select ${slot("event_id")}, ${slot("event_merchant_id")}, ${type}, ${payload}${onlyIf ? sql` where ${onlyIf}` : sql``}`;
}

/**
 * Records events inside the caller's transaction (or as a statement of their own); once it has
 * committed, live views hear of them and they go to Inngest (announceEvents), never for a change
 * that rolled back.
 */
export async function recordEvents(db: Executor, merchantId: string, events: DomainEvent[]): Promise<string[]> {
  if (events.length === 0) return [];
  const rows = events.map((e) => ({ id: newId("evt"), type: e.type, payload: JSON.stringify(e.payload) }));
  const values = rows.map((r) => sql`(${r.id}, ${merchantId}, ${r.type}, ${r.payload}::jsonb)`);
  await db.execute(sql`insert into ${outboxEvents} (id, merchant_id, type, payload) values ${sql.join(values, sql`, `)}`);
  const ids = rows.map((r) => r.id);
  announceEvents(db, merchantId, ids);
  return ids;
}

/*
 * Live views (the dashboard's feed, card pages; lib/events/listen.ts) hear of committed events by
 * NOTIFY. It is sent after the commit, not inside the write: Postgres holds one database-wide lock
 * from a notifying transaction's commit until its WAL flush has finished, so writes that NOTIFY
 * cannot share a flush, and that capped every instance's balance changes together at about one per
 * flush (bench/results/notify.json, docs/scaling.md). Here a process gathers what its commits
 * recorded and sends it in one statement at most every ANNOUNCE_EVERY_MS, reading the events from
 * their committed outbox rows: an id whose write rolled back finds no row and is not heard. A
 * notification lost to a crash between the commit and the send only leaves a live view behind until
 * it reloads; the outbox row, not the notification, is the record (Inngest's dispatch reads it).
 */

// At most 20 statements a second per process at any earn rate, and a delay no one watching a live
// view can notice (10 ms made five times the statements for no visible gain).
const ANNOUNCE_EVERY_MS = 50;
/** Ids per statement: the list goes as one jsonb parameter. */
const ANNOUNCE_BATCH = 500;

/**
 * What commits recorded and no statement has sent yet, and for each commit hook the function that
 * tells it its part was sent (`waiting`): a hook ends once its own ids are out, not when the queue
 * next runs dry, which under a steady stream of commits it never does.
 */
type Announcements = { ids: string[]; notices: string[]; waiting: Array<() => void>; sending: Promise<void> | null };
const globalForAnnounce = globalThis as unknown as { __keepcardAnnounce?: Announcements };
const queue = (globalForAnnounce.__keepcardAnnounce ??= { ids: [], notices: [], waiting: [], sending: null });
queue.waiting ??= []; // a process whose queue an older copy of this module made (development reloads)

/**
 * Once what was written through `db` is committed: live views hear of these events of `merchantId`,
 * and the business's pending events go to Inngest (afterCommit). Every write that inserts outbox rows
 * calls this or announceNotices; nothing else starts a dispatch (the every-minute sweep sends what a
 * crash or an Inngest outage left behind).
 */
export function announceEvents(db: Executor, merchantId: string, ids: string[]): void {
  if (ids.length === 0) return;
  onCommit(db, () => settled(enqueue(ids, []), afterCommit(merchantId)));
}

/**
 * Notifications that are not outbox events (a bulk write's summary, `cards.bulk_changed`; a wallet
 * message request), as the NotifiedEvent JSON text the write's statement through `db` returned: sent
 * once that write is committed, when the businesses they name also have their pending events (the
 * bulk write's per-card ones) sent to Inngest.
 */
export function announceNotices(db: Executor, notices: string[]): void {
  if (notices.length === 0) return;
  onCommit(db, () => {
    const merchants = new Set(notices.map((n) => (JSON.parse(n) as NotifiedEvent).merchantId));
    return settled(enqueue([], notices), ...[...merchants].map((merchantId) => afterCommit(merchantId)));
  });
}

/** What a commit hook started (the notification, the dispatch), as one promise for db/commit.ts to wait on. */
async function settled(...work: Array<Promise<void> | undefined>): Promise<void> {
  await Promise.all(work);
}

/** Resolves once the statement that sends these ids and notices has run (never rejects). */
function enqueue(ids: string[], notices: string[]): Promise<void> {
  queue.ids.push(...ids);
  queue.notices.push(...notices);
  const sent = new Promise<void>((resolve) => queue.waiting.push(resolve));
  queue.sending ??= send();
  return sent;
}

async function send(): Promise<void> {
  try {
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, ANNOUNCE_EVERY_MS));
      // Checked and cleared in one synchronous step: what arrives after it starts the next send.
      if (queue.ids.length === 0 && queue.notices.length === 0) return;
      const ids = queue.ids.splice(0, ANNOUNCE_BATCH);
      const notices = queue.notices.splice(0, ANNOUNCE_BATCH);
      // Everything queued so far goes in this statement, unless more than a batch is waiting: then
      // the hooks are told after the statement that empties the queue.
      const done = queue.ids.length === 0 && queue.notices.length === 0 ? queue.waiting.splice(0) : [];
      try {
        await getDbHandle().db.execute(ANNOUNCE.bind({}, { channel: EVENTS_CHANNEL, ids: JSON.stringify(ids), notices: JSON.stringify(notices) }));
      } catch (error) {
        console.warn(`[outbox] could not notify live views of ${ids.length + notices.length} change(s):`, error instanceof Error ? error.message : error);
      }
      for (const resolve of done) resolve();
    }
  } finally {
    queue.sending = null;
    // Nothing left to send (or the loop broke): no hook waits for a statement that will not come.
    if (queue.ids.length === 0 && queue.notices.length === 0) for (const resolve of queue.waiting.splice(0)) resolve();
  }
}

// The events as NotifiedEvent (`at` as JavaScript's toISOString writes it), oldest first, then the notices.
const ANNOUNCE = cachedStatement({
  key: () => "announce",
  build: () => sql`select pg_notify(${slot("channel")}::text, n.body) from (
      select json_build_object('id', e.id, 'merchantId', e.merchant_id, 'type', e.type, 'payload', e.payload,
                               'at', to_char(e.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))::text as body, 0 as part, e.created_at
        from ${outboxEvents} e where e.id in (select jsonb_array_elements_text(${slot("ids")}::jsonb))
      union all
      select value, 1, null from jsonb_array_elements_text(${slot("notices")}::jsonb)
      order by part, created_at) n`,
});

/**
 * A bulk statement's summaries as a column `notes`: its CTE `notes` holds one NotifiedEvent JSON
 * text per row (`body`); noticesOf reads the column back for announceNotices.
 */
export const NOTICES_COLUMN = sql`(select coalesce(jsonb_agg(body), '[]'::jsonb) from notes) as notes`;

/** NOTICES_COLUMN as it comes back: parsed by postgres.js, text from PGlite. */
export type Notices = string[] | string | null;

export function noticesOf(value: Notices | undefined): string[] {
  if (!value) return [];
  return typeof value === "string" ? (JSON.parse(value) as string[]) : value;
}
