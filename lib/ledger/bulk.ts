import { sql, type SQL } from "drizzle-orm";
import { queryRows } from "../../db/client";
import type { Program } from "../../db/schema";
import { now, withTransaction, type Ctx, type TxCtx } from "../context";
import { announceNotices, NOTICES_COLUMN, noticesOf, type Notices } from "../outbox";
import { lotExpiry } from "../expiry/policy";

/*
 * Set-based ledger writes for jobs that touch thousands of cards at once (campaign bonuses,
 * birthday bonuses, payout reservations). Each batch is one statement that does, for every card,
 * what appendEntry does for one: write the entry with its balance after, open or close lots,
 * update the cached balance and version, and record `card.balance_changed` in the outbox. The
 * guard against paying twice is a unique row written in the same statement (a bonus grant, an
 * open payout), so a rerun or a concurrent run writes nothing twice.
 *
 * Live views hear one summary per batch (`cards.bulk_changed`), after its commit, not one per card: a
 * hundred thousand notifications would flood every listener for no use. The per-card outbox
 * events still go to Inngest (wallet updates, webhooks).
 */

const DEFAULT_BATCH = 10_000;
/** Batches in flight at once (each on its own connection, over disjoint ranges of cards). */
const PARALLEL = 2;

// Prefixed random ids in SQL, same shape as lib/ids.ts (prefix + 20 characters).
const rid = (prefix: string) => sql.raw(`'${prefix}_' || substr(replace(gen_random_uuid()::text, '-', ''), 1, 20)`);
// Another prefixed id from one made by rid(): unique because its source is, and no second uuid.
const sibling = (prefix: string, id: SQL) => sql`${sql.raw(`'${prefix}_'`)} || substr(${id}, 5)`;

type BatchResult = { written: number; amount: number; notes?: Notices };
/** A batch: the cards with `from < id <= to` (no upper bound for the last one). */
type Range = { from: string; to: string | null };

export type CreditManyInput = {
  program: Program;
  /** Unique per reason: `campaign:<id>`, `birthday:2025`… A card is credited at most once per key. */
  grantKey: string;
  points: number;
  /** Extra condition on the card, written over alias `c` (cards). */
  audience?: SQL;
  reference?: string;
  details?: Record<string, unknown>;
  batchSize?: number;
  /**
   * The campaign whose budget pays for the credits: each batch locks its row, credits only as many
   * cards as `budget - spent` still covers and adds what it credited to `spent`, so concurrent
   * runs together never give away more than the budget. No budget on the row: no cap.
   */
  budgetCampaignId?: string;
};

/** Credits `points` as a `bonus` entry to every active card of the program in the audience, once per grant key. */
export async function creditMany(ctx: Ctx, input: CreditManyInput): Promise<{ credited: number; points: number }> {
  const at = now(ctx);
  const stamp = at.toISOString();
  const expires = lotExpiry(input.program.expiry, at);
  // The card row is updated (and so locked) first: its balance after the credit comes from that
  // update, so an earn committed a moment ago by the counter is never overwritten.
  const budgeted = input.budgetCampaignId;
  const target = (batch: SQL) =>
    budgeted
      ? sql`
      budget as (
        select (case when b.budget is null then 2147483647 else greatest(0, b.budget - b.spent) end) / ${input.points}::int as cards from campaigns b
        where b.id = ${budgeted} and b.merchant_id = ${ctx.merchantId}
        for update
      ),
      target as (
        select c.id from cards c
        where ${batch} and not exists (select 1 from bonus_grants bg where bg.key = ${input.grantKey} and bg.card_id = c.id)
        order by c.id
        limit (select coalesce((select cards from budget), 0))
      ),`
      : sql`
      target as (
        select c.id from cards c
        where ${batch}
      ),`;
  const spend = budgeted
    ? sql`,
      spend as (
        update campaigns set spent = spent + (select count(*) from grants)::int * ${input.points}::int
        where id = ${budgeted}
        returning id
      )`
    : sql``;
  const done = await inCardBatches(ctx, input.program, input.audience ?? sql`true`, input.batchSize, (batch) => sql`
      with ${target(batch)}
      grants as (
        insert into bonus_grants (key, card_id, merchant_id, entry_id, points, created_at)
        select ${input.grantKey}, t.id, ${ctx.merchantId}, ${rid("ent")}, ${input.points}::int, ${stamp}::timestamptz from target t
        on conflict do nothing
        returning card_id, entry_id
      ),
      moved as (
        update cards c set balance = c.balance + ${input.points}::int, lifetime_earned = c.lifetime_earned + ${input.points}::int,
               version = c.version + 1, updated_at = ${stamp}::timestamptz
        from grants g where c.id = g.card_id
        returning c.id as card_id, g.entry_id as id, c.balance as balance_after
      ),
      entries as (
        insert into ledger_entries (id, merchant_id, card_id, kind, amount, balance_after, actor_type, actor_id, source, reference, details, created_at)
        select m.id, ${ctx.merchantId}, m.card_id, 'bonus', ${input.points}::int, m.balance_after,
               ${ctx.actor.type}::actor_type, ${ctx.actor.id}, ${ctx.source}, ${input.reference ?? input.grantKey},
               ${JSON.stringify(input.details ?? { grant: input.grantKey })}::jsonb, ${stamp}::timestamptz
        from moved m
        returning id
      ),
      lots as (
        insert into point_lots (id, merchant_id, card_id, entry_id, amount, remaining, expires_at, created_at)
        select ${sibling("lot", sql`m.id`)}, ${ctx.merchantId}, m.card_id, m.id, ${input.points}::int, ${input.points}::int, ${expires?.toISOString() ?? null}::timestamptz, ${stamp}::timestamptz
        from moved m
        returning id
      ),
      ${balanceEvents(ctx, sql`moved`, input.program.id, "bonus", sql`${input.points}::int`)}${spend}
      select (select count(*) from entries)::int as written, (select count(*) from entries)::int * ${input.points}::int as amount,
             (select count(*) from lots)::int as lots, ${NOTICES_COLUMN}`);
  return { credited: done.written, points: done.amount };
}

export type ReservePayoutsInput = {
  program: Program;
  runId: string;
  thresholdMinor: number;
  /** Extra condition on the card, written over alias `c` (cards): who can be paid at all. */
  audience?: SQL;
  batchSize?: number;
};

/**
 * Opens a payout for every active card of a cashback program whose balance reaches the threshold
 * and has no unpaid payout yet, and debits its whole balance as a `payout` entry in the same
 * statement. The money is reserved from then on; sending it is retried with the payout's key.
 */
export async function reservePayouts(ctx: Ctx, input: ReservePayoutsInput): Promise<{ reserved: number; amount: number }> {
  const at = now(ctx).toISOString();
  const threshold = Math.max(1, input.thresholdMinor);
  // The whole balance is paid, so the cards are locked before it is read.
  const eligible = input.audience ? sql`c.balance >= ${threshold}::int and (${input.audience})` : sql`c.balance >= ${threshold}::int`;
  const done = await inCardBatches(ctx, input.program, eligible, input.batchSize, (batch) => sql`
      with target as (
        select c.id, c.balance from cards c
        where ${batch}
        for update of c
      ),
      opened as (
        insert into payouts (id, merchant_id, program_id, card_id, run_id, first_run_id, amount, currency, idempotency_key, entry_id, status, created_at, updated_at)
        select p.id, ${ctx.merchantId}, ${input.program.id}, p.card_id, ${input.runId}, ${input.runId}, p.amount, ${input.program.currency},
               p.id, ${sibling("ent", sql`p.id`)}, 'pending', ${at}::timestamptz, ${at}::timestamptz
        from (select ${rid("pay")} as id, t.id as card_id, t.balance as amount from target t) p
        on conflict do nothing
        returning id, card_id, amount, entry_id
      ),
      entries as (
        insert into ledger_entries (id, merchant_id, card_id, kind, amount, balance_after, actor_type, actor_id, source, reference, details, created_at)
        select o.entry_id, ${ctx.merchantId}, o.card_id, 'payout', -o.amount, 0, ${ctx.actor.type}::actor_type, ${ctx.actor.id}, ${ctx.source},
               o.id, jsonb_build_object('payoutId', o.id, 'runId', ${input.runId}::text), ${at}::timestamptz
        from opened o
        returning id, card_id, amount, balance_after
      ),
      closed_lots as (
        delete from point_lots l using opened o where l.card_id = o.card_id returning l.id
      ),
      moved as (
        update cards c set balance = 0, version = c.version + 1, updated_at = ${at}::timestamptz
        from opened o where c.id = o.card_id
        returning c.id
      ),
      ${balanceEvents(ctx, sql`entries`, input.program.id, "payout", sql`e.amount`)}
      select (select count(*) from entries)::int as written, coalesce((select -sum(amount) from entries), 0)::int as amount,
             (select count(*) from closed_lots)::int as lots, (select count(*) from moved)::int as moved, ${NOTICES_COLUMN}`);
  return { reserved: done.written, amount: done.amount };
}

/**
 * Runs `statement` over the program's active cards that match `where` (over alias `c`), one batch
 * of cards at a time, each batch in its own transaction; `statement` gets the condition that picks
 * the batch's cards. Returns what the batches wrote, added up.
 */
async function inCardBatches(ctx: Ctx, program: Program, where: SQL, batchSize: number | undefined, statement: (batch: SQL) => SQL): Promise<BatchResult> {
  const eligible = sql`c.merchant_id = ${ctx.merchantId} and c.program_id = ${program.id} and c.status = 'active' and (${where})`;
  const ranges = await batchRanges(ctx, eligible, batchSize ?? DEFAULT_BATCH);
  const rows = await inBatches(ctx, ranges, async (tx, range) => {
    const [r] = await queryRows<BatchResult>(tx.db, statement(sql`${eligible} and ${inRange(range)}`));
    announceNotices(tx.db, noticesOf(r!.notes));
    return r!;
  });
  return { written: sum(rows, "written"), amount: sum(rows, "amount") };
}

/**
 * Splits the cards matching `eligible` (over alias `c`) into ranges of about `size` by id. The last
 * range is open-ended, so a card that joins while the job runs is still included.
 */
async function batchRanges(ctx: Ctx, eligible: SQL, size: number): Promise<Range[]> {
  const bounds = await queryRows<{ id: string }>(
    ctx.db,
    sql`select id from (select c.id, row_number() over (order by c.id) as n from cards c where ${eligible}) s
        where n % ${Math.max(1, size)}::int = 0 order by id`,
  );
  const ranges: Range[] = [];
  let from = "";
  for (const { id } of bounds) {
    ranges.push({ from, to: id });
    from = id;
  }
  ranges.push({ from, to: null });
  return ranges;
}

function inRange(range: Range): SQL {
  return range.to === null ? sql`c.id > ${range.from}` : sql`c.id > ${range.from} and c.id <= ${range.to}`;
}

/**
 * Runs one transaction per range, PARALLEL at a time (ranges are disjoint, so batches never wait
 * for each other's locks). Inside a caller's transaction they run one after another on it.
 */
async function inBatches<T>(ctx: Ctx, ranges: Range[], fn: (tx: TxCtx, range: Range) => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  let next = 0;
  const worker = async () => {
    while (next < ranges.length) {
      const range = ranges[next++]!;
      results.push(await withTransaction(ctx, (tx) => fn(tx, range)));
    }
  };
  await Promise.all(Array.from({ length: ctx.inTransaction ? 1 : Math.min(PARALLEL, ranges.length) }, worker));
  return results;
}

const sum = <K extends string>(rows: Array<Record<K, number | string>>, key: K) => rows.reduce((total, r) => total + Number(r[key]), 0);

/**
 * CTE `evts`: one `card.balance_changed` outbox row per written entry `e` (with `card_id`, `id`,
 * `balance_after`), and `notes`: one summary notification for the whole batch (NOTICES_COLUMN returns
 * it, and announceNotices sends it once the batch has committed).
 */
function balanceEvents(ctx: Ctx, entries: SQL, programId: string, kind: string, amount: SQL): SQL {
  const at = new Date().toISOString();
  return sql`
    evts as (
      insert into outbox_events (id, merchant_id, type, payload)
      select ${sibling("evt", sql`e.id`)}, ${ctx.merchantId}, 'card.balance_changed',
             jsonb_build_object('cardId', e.card_id, 'programId', ${programId}::text, 'entryId', e.id, 'kind', ${kind}::text,
                                'amount', (${amount})::int, 'balance', e.balance_after)
      from ${entries} e
      returning id
    ),
    notes as (
      select json_build_object('id', min(v.id), 'merchantId', ${ctx.merchantId}::text, 'type', 'cards.bulk_changed',
                               'payload', json_build_object('programId', ${programId}::text, 'kind', ${kind}::text, 'cards', count(*)),
                               'at', ${at}::text)::text as body
      from evts v having count(*) > 0
    )`;
}
