import { sql, type SQL } from "drizzle-orm";
import { queryRows, type Executor } from "../../db/client";
import type { Program } from "../../db/schema";
import { now, withTransaction, type Ctx } from "../context";
import { EVENTS_CHANNEL } from "../outbox";
import { lotExpiry } from "./expiry";

/*
 * Set-based ledger writes for jobs that touch thousands of cards at once (campaign bonuses,
 * birthday bonuses, payout reservations). Each batch is one statement that does, for every card,
 * what appendEntry does for one: lock the card, write the entry with its balance after, open or
 * close lots, update the cached balance and version, and record `card.balance_changed` in the
 * outbox with its NOTIFY. The guard against paying twice is a unique row written in the same
 * statement (a bonus grant, an open payout), so a rerun or a concurrent run writes nothing twice.
 */

const DEFAULT_BATCH = 5000;

// Prefixed random ids in SQL, same shape as lib/ids.ts (prefix + 20 characters).
const rid = (prefix: string) => sql.raw(`'${prefix}_' || substr(replace(gen_random_uuid()::text, '-', ''), 1, 20)`);

type BatchResult = { last_id: string | null; seen: number; written: number; amount: number };

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
};

/** Credits `points` as a `bonus` entry to every active card of the program in the audience, once per grant key. */
export async function creditMany(ctx: Ctx, input: CreditManyInput): Promise<{ credited: number; points: number }> {
  const at = now(ctx);
  const expires = lotExpiry(input.program.expiry, at);
  const size = input.batchSize ?? DEFAULT_BATCH;
  let after = "";
  let credited = 0;
  let points = 0;
  for (;;) {
    const row = await withTransaction(ctx, async (tx) => {
      await hashJoinsOnly(tx.db);
      const [r] = await queryRows<BatchResult>(
        tx.db,
        sql`
        with target as (
          select c.id, c.balance, c.program_id from cards c
          where c.merchant_id = ${ctx.merchantId} and c.program_id = ${input.program.id} and c.status = 'active'
            and c.id > ${after} and (${input.audience ?? sql`true`})
          order by c.id limit ${size}::int for update of c
        ),
        fresh as (select t.id, t.balance, t.program_id, ${rid("ent")} as entry_id from target t),
        grants as (
          insert into bonus_grants (key, card_id, merchant_id, entry_id, points, created_at)
          select ${input.grantKey}, f.id, ${ctx.merchantId}, f.entry_id, ${input.points}::int, ${at.toISOString()}::timestamptz from fresh f
          on conflict do nothing
          returning card_id, entry_id
        ),
        entries as (
          insert into ledger_entries (id, merchant_id, card_id, kind, amount, balance_after, actor_type, actor_id, source, reference, details, created_at)
          select g.entry_id, ${ctx.merchantId}, g.card_id, 'bonus', ${input.points}::int, f.balance + ${input.points}::int,
                 ${ctx.actor.type}::actor_type, ${ctx.actor.id}, ${ctx.source}, ${input.reference ?? input.grantKey},
                 ${JSON.stringify(input.details ?? { grant: input.grantKey })}::jsonb, ${at.toISOString()}::timestamptz
          from grants g join fresh f on f.id = g.card_id
          returning id, card_id, balance_after
        ),
        lots as (
          insert into point_lots (id, merchant_id, card_id, entry_id, amount, remaining, expires_at, created_at)
          select ${rid("lot")}, ${ctx.merchantId}, e.card_id, e.id, ${input.points}::int, ${input.points}::int, ${expires?.toISOString() ?? null}::timestamptz, ${at.toISOString()}::timestamptz
          from entries e
          returning id
        ),
        moved as (
          update cards c set balance = e.balance_after, lifetime_earned = c.lifetime_earned + ${input.points}::int,
                 version = c.version + 1, updated_at = ${at.toISOString()}::timestamptz
          from entries e where c.id = e.card_id
          returning c.id
        ),
        ${balanceEvents(ctx, sql`entries`, input.program.id, "bonus", sql`${input.points}::int`)}
        select (select max(id) from target) as last_id, (select count(*) from target)::int as seen,
               (select count(*) from entries)::int as written, (select count(*) from entries)::int * ${input.points}::int as amount,
               (select count(*) from lots)::int as lots, (select count(*) from moved)::int as moved, (select count(*) from notes)::int as notes`,
      );
      return r!;
    });
    credited += Number(row.written);
    points += Number(row.amount);
    if (Number(row.seen) < size || !row.last_id) break;
    after = row.last_id;
  }
  return { credited, points };
}

export type ReservePayoutsInput = {
  program: Program;
  runId: string;
  thresholdMinor: number;
  batchSize?: number;
};

/**
 * Opens a payout for every active card of a cashback program whose balance reaches the threshold
 * and has no unpaid payout yet, and debits its whole balance as a `payout` entry in the same
 * statement. The money is reserved from then on; sending it is retried with the payout's key.
 */
export async function reservePayouts(ctx: Ctx, input: ReservePayoutsInput): Promise<{ reserved: number; amount: number }> {
  const at = now(ctx);
  const size = input.batchSize ?? DEFAULT_BATCH;
  const threshold = Math.max(1, input.thresholdMinor);
  let after = "";
  let reserved = 0;
  let amount = 0;
  for (;;) {
    const row = await withTransaction(ctx, async (tx) => {
      await hashJoinsOnly(tx.db);
      const [r] = await queryRows<BatchResult>(
        tx.db,
        sql`
        with target as (
          select c.id, c.balance from cards c
          where c.merchant_id = ${ctx.merchantId} and c.program_id = ${input.program.id} and c.status = 'active'
            and c.balance >= ${threshold}::int and c.id > ${after}
          order by c.id limit ${size}::int for update of c
        ),
        fresh as (select t.id, t.balance, ${rid("pay")} as payout_id, ${rid("ent")} as entry_id from target t),
        opened as (
          insert into payouts (id, merchant_id, program_id, card_id, run_id, first_run_id, amount, currency, idempotency_key, entry_id, status, created_at, updated_at)
          select f.payout_id, ${ctx.merchantId}, ${input.program.id}, f.id, ${input.runId}, ${input.runId}, f.balance, ${input.program.currency},
                 f.payout_id, f.entry_id, 'pending', ${at.toISOString()}::timestamptz, ${at.toISOString()}::timestamptz
          from fresh f
          on conflict do nothing
          returning id, card_id, amount, entry_id
        ),
        entries as (
          insert into ledger_entries (id, merchant_id, card_id, kind, amount, balance_after, actor_type, actor_id, source, reference, details, created_at)
          select o.entry_id, ${ctx.merchantId}, o.card_id, 'payout', -o.amount, 0, ${ctx.actor.type}::actor_type, ${ctx.actor.id}, ${ctx.source},
                 o.id, jsonb_build_object('payoutId', o.id, 'runId', ${input.runId}::text), ${at.toISOString()}::timestamptz
          from opened o
          returning id, card_id, amount, balance_after
        ),
        closed_lots as (
          update point_lots l set remaining = 0 from entries e where l.card_id = e.card_id and l.remaining > 0 returning l.id
        ),
        moved as (
          update cards c set balance = 0, version = c.version + 1, updated_at = ${at.toISOString()}::timestamptz
          from entries e where c.id = e.card_id
          returning c.id
        ),
        ${balanceEvents(ctx, sql`entries`, input.program.id, "payout", sql`e.amount`)}
        select (select max(id) from target) as last_id, (select count(*) from target)::int as seen,
               (select count(*) from entries)::int as written, coalesce((select -sum(amount) from entries), 0)::int as amount,
               (select count(*) from closed_lots)::int as lots, (select count(*) from moved)::int as moved, (select count(*) from notes)::int as notes`,
      );
      return r!;
    });
    reserved += Number(row.written);
    amount += Number(row.amount);
    if (Number(row.seen) < size || !row.last_id) break;
    after = row.last_id;
  }
  return { reserved, amount };
}

/**
 * The CTEs below join each other on thousands of rows, and Postgres cannot estimate their sizes:
 * left alone it picks nested loops that grow with the square of the batch. Hash joins keep a
 * batch linear. SET LOCAL ends with the transaction.
 */
async function hashJoinsOnly(db: Executor): Promise<void> {
  await db.execute(sql`set local enable_nestloop = off`);
}

/** CTEs `evts` and `notes`: one `card.balance_changed` outbox row and NOTIFY per written entry `e`. */
function balanceEvents(ctx: Ctx, entries: SQL, programId: string, kind: string, amount: SQL): SQL {
  const at = new Date().toISOString();
  return sql`
    evts as (
      insert into outbox_events (id, merchant_id, type, payload)
      select ${rid("evt")}, ${ctx.merchantId}, 'card.balance_changed',
             jsonb_build_object('cardId', e.card_id, 'programId', ${programId}::text, 'entryId', e.id, 'kind', ${kind}::text,
                                'amount', (${amount})::int, 'balance', e.balance_after)
      from ${entries} e
      returning id, payload
    ),
    notes as (
      select pg_notify(${EVENTS_CHANNEL}, json_build_object('id', v.id, 'merchantId', ${ctx.merchantId}::text, 'type', 'card.balance_changed',
                                                    'payload', v.payload, 'at', ${at}::text)::text)
      from evts v
    )`;
}
