import { sql } from "drizzle-orm";
import { getDbHandle, queryRows, type Db, type Executor } from "../../db/client";
import { announceNotices, NOTICES_COLUMN, noticesOf, type Notices } from "../outbox";

/** The cards a batch looks at, at most: one transaction locks them all (about half a second in a mass expiry), so it stays short. */
export const EXPIRY_BATCH = 4000;

/**
 * How many batches run at once, each a transaction on its own connection: one statement runs on
 * one core in Postgres, so a mass expiry (a fixed expiry date: a million lots due the same night)
 * uses the database's other cores this way. The batches hold disjoint cards, each locked in id
 * order, so they never wait for one another.
 */
export const EXPIRY_WORKERS = 2;

/**
 * Where the last batch's scan of dated lots stopped: the next batch of the same run starts after it.
 * Without it every batch would walk again, from the oldest, over the index entries of the lots
 * the run has closed so far (they stay in the index until vacuum), so a mass expiry slowed with
 * every batch.
 */
export type ExpiryCursor = { expiresAt: string; cardId: string };

export type ExpiryProgress = { cards: number; points: number; candidates: number; next: ExpiryCursor | null };

/**
 * Closes due lots on up to `limit` × `workers` cards: lots past their date, and whole balances under an
 * inactivity policy whose deadline passed. Set-based, one transaction per batch: the cards are
 * locked first (in id order, the order every bulk writer uses), then one statement closes their
 * due lots, writes one `expire` entry per card with the lots it closed, moves the cached balance
 * and version, and records `card.balance_changed` in the outbox — what expireCard
 * (lib/expiry/expire.ts) does for one card, for thousands at a time. A rerun finds nothing
 * left to close; a card whose lots a redemption consumed meanwhile expires what is still due.
 * With `workers` above 1 (on a pool only, never inside a caller's transaction) the due cards are
 * split in id ranges whose batches run side by side.
 *
 * `after` is the previous call's `next`, for the same `at`. `candidates` is how many cards were
 * looked at: 0 means nothing is due any more. Candidates but no card expired means the due ones
 * raced with redemptions: the caller stops, the next run picks up what is left.
 */
export async function expireDueCards(
  db: Executor,
  at: Date,
  { limit = EXPIRY_BATCH, workers = 1, after = null }: { limit?: number; workers?: number; after?: ExpiryCursor | null } = {},
): Promise<ExpiryProgress> {
  const { ids, next } = await dueCards(db, at, limit * workers, after);
  return { ...(await expireInChunks(db, at, ids, workers)), candidates: ids.length, next };
}

/** Expires what is due on `ids`, split in `workers` batches side by side (disjoint id ranges). */
async function expireInChunks(db: Executor, at: Date, ids: string[], workers: number): Promise<{ cards: number; points: number }> {
  if (ids.length === 0) return { cards: 0, points: 0 };
  const size = Math.ceil(ids.length / workers);
  const chunks = Array.from({ length: Math.ceil(ids.length / size) }, (_, i) => ids.slice(i * size, (i + 1) * size));
  const done = await Promise.all(chunks.map((chunk) => expireCards(db, at, chunk)));
  return { cards: sum(done.map((d) => d.cards)), points: sum(done.map((d) => d.points)) };
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

/** What `expireDueFor` did, and whether anything is still due. */
export type ExpiryRun = { cards: number; points: number; batches: number; more: boolean; next: ExpiryCursor | null };

/**
 * Batches of `expireDueCards` for up to `seconds`, each resuming where the last stopped (from
 * `after`): what one step of the hourly job runs. On Postgres the batches go EXPIRY_WORKERS at a
 * time; the embedded database has one connection, where they would only queue behind each other.
 * `more` is false once nothing is due (or the due cards raced with redemptions: the next run).
 *
 * The due scan for the next batches runs while the current ones expire (it reads, they write, and
 * it starts after the lots they hold: a card in both is locked by the later batch only once the
 * earlier one has committed, which then finds just what is still open). In a mass expiry the scan
 * was a fifth of the time with one core idle. On the embedded database, one connection, the scan
 * simply goes first.
 */
export async function expireDueFor(
  db: Db,
  at: Date,
  { seconds, after = null, limit = EXPIRY_BATCH }: { seconds: number; after?: ExpiryCursor | null; limit?: number },
): Promise<ExpiryRun> {
  const workers = getDbHandle().kind === "postgres" ? EXPIRY_WORKERS : 1;
  const started = Date.now();
  const run: ExpiryRun = { cards: 0, points: 0, batches: 0, more: true, next: after };
  const scan = (from: ExpiryCursor | null) => dueCards(db, at, limit * workers, from);
  let due = scan(after);
  while (Date.now() - started < seconds * 1000) {
    const { ids, next } = await due;
    if (ids.length > 0) due = scan(next);
    const result = await expireInChunks(db, at, ids, workers);
    run.next = next;
    if (ids.length === 0 || result.cards === 0) {
      run.more = false;
      break;
    }
    run.cards += result.cards;
    run.points += result.points;
    run.batches++;
  }
  // A scan started for batches the time left no room for: nothing waits for it, but it must not fail unheard.
  void due.catch(() => {});
  return run;
}

/** Up to `limit` cards with something due at `at`, in id order, and where the dated lots' scan stopped. */
async function dueCards(db: Executor, at: Date, limit: number, after: ExpiryCursor | null): Promise<{ ids: string[]; next: ExpiryCursor | null }> {
  const stamp = at.toISOString();
  // Dated lots through point_lots_expires_idx (by expiry and card; a closed lot is deleted, so it is
  // never walked past): the oldest due first, from where the previous batch stopped, and the scan
  // stops at `limit` lots, however many million are open.
  const dated = await queryRows<{ card_id: string; expires_at: string }>(
    db,
    sql`
    select l.card_id, l.expires_at::text as expires_at from point_lots l join cards c on c.id = l.card_id
    where l.expires_at <= ${stamp}::timestamptz and c.status = 'active'
      ${after ? sql`and (l.expires_at, l.card_id) > (${after.expiresAt}::timestamptz, ${after.cardId})` : sql``}
    order by l.expires_at, l.card_id limit ${limit}::int`,
  );
  const last = dated.at(-1);
  const next = last ? { expiresAt: last.expires_at, cardId: last.card_id } : after;
  const ids = new Set(dated.map((d) => d.card_id));
  if (ids.size < limit) {
    // Inactivity: per program with that policy, its cards with a balance whose deadline passed.
    const idle = await queryRows<{ id: string }>(
      db,
      sql`
      select c.id from programs p cross join lateral (
        select c.id from cards c
        where c.program_id = p.id and c.balance > 0 and c.status = 'active'
          and c.last_activity_at <= ${stamp}::timestamptz - make_interval(days => (p.expiry->>'days')::int)
          -- What expiry closes is lots: a balance without open lots (data from before lots) is not
          -- picked again and again.
          and exists (select 1 from point_lots ol where ol.card_id = c.id)
        limit ${limit - ids.size}::int) c
      where p.expiry->>'kind' = 'inactivity'
      limit ${limit - ids.size}::int`,
    );
    for (const r of idle) ids.add(r.id);
  }
  return { ids: [...ids].sort(), next };
}

/** One batch: expires what is due on `ids` (in id order) in one transaction. */
async function expireCards(db: Executor, at: Date, ids: string[]): Promise<{ cards: number; points: number }> {
  const stamp = at.toISOString();
  const run = async (tx: Executor) => {
    // Locked first, in a statement of its own: the next statement's snapshot is taken after
    // every earn or redemption that held one of these cards has committed, so the lots it reads are current.
    const locked = await queryRows<{ id: string }>(
      tx,
      sql`select id from cards where id = any(${sql.param(ids)}::text[]) and status = 'active' order by id for update`,
    );
    if (locked.length === 0) return { cards: 0, points: 0 };
    const [done] = await queryRows<{ cards: number; points: number; notes: Notices }>(
      tx,
      sql`
      with due as (
        select l.ctid as row, l.id, l.card_id, l.remaining, l.expires_at
        from point_lots l join cards c on c.id = l.card_id join programs p on p.id = c.program_id
        where l.card_id = any(${sql.param(locked.map((r) => r.id))}::text[])
          and ((l.expires_at is not null and l.expires_at <= ${stamp}::timestamptz)
               or (p.expiry->>'kind' = 'inactivity'
                   and c.last_activity_at + make_interval(days => (p.expiry->>'days')::int) <= ${stamp}::timestamptz))
      ),
      closed as (
        delete from point_lots l using due d where l.ctid = d.row returning l.id
      ),
      per_card as (
        select d.card_id, sum(d.remaining)::int as total,
               jsonb_agg(jsonb_build_object('id', d.id, 'amount', d.remaining,
                                            'expiresAt', to_char(d.expires_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
                         order by d.expires_at, d.id) as lots
        from due d group by d.card_id
      ),
      moved as (
        update cards c set balance = c.balance - pc.total, version = c.version + 1, updated_at = ${stamp}::timestamptz
        from per_card pc where c.id = pc.card_id
        returning c.id as card_id, c.merchant_id, c.program_id, c.balance as balance_after, pc.total, pc.lots
      ),
      entries as (
        insert into ledger_entries (id, merchant_id, card_id, kind, amount, balance_after, actor_type, actor_id, source, details, created_at)
        select 'ent_' || substr(replace(gen_random_uuid()::text, '-', ''), 1, 20), m.merchant_id, m.card_id, 'expire', -m.total, m.balance_after,
               'system', 'points-expiry', 'job', jsonb_build_object('lots', m.lots), ${stamp}::timestamptz
        from moved m
        returning id, merchant_id, card_id, amount, balance_after
      ),
      evts as (
        insert into outbox_events (id, merchant_id, type, payload)
        select 'evt_' || substr(e.id, 5), e.merchant_id, 'card.balance_changed',
               jsonb_build_object('cardId', e.card_id, 'programId', m.program_id, 'entryId', e.id, 'kind', 'expire',
                                  'amount', e.amount, 'balance', e.balance_after)
        from entries e join moved m on m.card_id = e.card_id
        returning id, merchant_id, payload->>'programId' as program_id
      ),
      notes as (
        -- One summary notification per merchant and program, as the other bulk writers send (lib/ledger/bulk.ts):
        -- live views refresh once, instead of hearing thousands of notifications. Sent after the commit.
        select json_build_object('id', min(v.id), 'merchantId', v.merchant_id, 'type', 'cards.bulk_changed',
                                 'payload', json_build_object('programId', v.program_id, 'kind', 'expire', 'cards', count(*)),
                                 'at', ${new Date().toISOString()}::text)::text as body
        from evts v group by v.merchant_id, v.program_id
      )
      select (select count(*) from entries)::int as cards, coalesce((select -sum(amount) from entries), 0)::int as points,
             (select count(*) from closed)::int as lots, ${NOTICES_COLUMN}`,
    );
    announceNotices(tx, noticesOf(done!.notes));
    return { cards: Number(done!.cards), points: Number(done!.points) };
  };
  // On a caller's transaction this is a savepoint; otherwise a transaction of its own.
  return (db as Db).transaction((tx) => run(tx));
}
