import { and, eq, getTableColumns, sql, type Column, type SQL } from "drizzle-orm";
import { queryRows } from "../../db/client";
import { cards, ledgerEntries, pointLots, programs, type Card, type EntryKind, type LedgerEntry, type Program } from "../../db/schema";
import { now, type TxCtx } from "../context";
import { AppError, notFound } from "../errors";
import { newId } from "../ids";
import { eventsSql } from "../outbox";
import { parseRunning, runningCampaignsSql, type RunningCampaign } from "../campaigns/active";
import { lotExpiry } from "../expiry/policy";

/** Locks the card row for the rest of the transaction: every balance change on a card is serialized here. */
export async function lockCard(ctx: TxCtx, cardId: string): Promise<Card> {
  const [card] = await ctx.db
    .select()
    .from(cards)
    .where(and(eq(cards.id, cardId), eq(cards.merchantId, ctx.merchantId)))
    .for("update");
  if (!card) throw notFound("Card");
  return card;
}

export type LockedCard = { card: Card; program: Program; timezone: string; campaigns: RunningCampaign[] };

/**
 * lockCard, with the card's program, the merchant's time zone and (given `campaignsAt`) the
 * campaigns running for the card read in the same statement.
 *
 * On every balance change's path, so the statement's text is built once (LOCK_SELECT, LOCK_FROM:
 * drizzle's select builder cost more CPU than anything else in it) and the row is mapped column by
 * column with the schema's own decoders, as drizzle maps a select.
 */
export async function lockCardWithProgram(ctx: TxCtx, cardId: string, opts: { campaignsAt?: Date } = {}): Promise<LockedCard> {
  const campaigns = opts.campaignsAt ? runningCampaignsSql(opts.campaignsAt) : sql`null`;
  const [row] = await queryRows<Record<string, unknown>>(
    ctx.db,
    sql`select ${LOCK_SELECT}, ${campaigns} as campaigns ${LOCK_FROM} where "cards"."id" = ${cardId} and "cards"."merchant_id" = ${ctx.merchantId} for update of "cards"`,
  );
  if (!row) throw notFound("Card");
  return {
    card: fromColumns<Card>(CARD_COLUMNS, "c", row),
    program: fromColumns<Program>(PROGRAM_COLUMNS, "p", row),
    timezone: row.tz as string,
    campaigns: parseRunning(row.campaigns as RunningCampaign[] | string | null),
  };
}

const CARD_COLUMNS = Object.entries(getTableColumns(cards));
const PROGRAM_COLUMNS = Object.entries(getTableColumns(programs));
const LOCK_SELECT = sql.raw(
  [
    ...CARD_COLUMNS.map(([, column], i) => `"cards"."${column.name}" as c${i}`),
    ...PROGRAM_COLUMNS.map(([, column], i) => `"programs"."${column.name}" as p${i}`),
    `"merchants"."timezone" as tz`,
  ].join(", "),
);
const LOCK_FROM = sql.raw(`from "cards" inner join "programs" on "programs"."id" = "cards"."program_id" inner join "merchants" on "merchants"."id" = "cards"."merchant_id"`);

/** A table's row from the columns `${prefix}0…` of a raw row, each through its column's decoder (null stays null). */
function fromColumns<T>(columns: [string, Column][], prefix: string, row: Record<string, unknown>): T {
  const out: Record<string, unknown> = {};
  for (let i = 0; i < columns.length; i++) {
    const [key, column] = columns[i]!;
    const value = row[`${prefix}${i}`];
    out[key] = value === null || value === undefined ? null : column.mapFromDriverValue(value);
  }
  return out as T;
}

export type EntryInput = {
  kind: EntryKind;
  amount: number;
  reference?: string | null;
  locationId?: string | null;
  reversesEntryId?: string | null;
  details?: Record<string, unknown>;
  /** Counts toward lifetime earned and tiers (earn, bonus). */
  earned?: boolean;
  /** Resets the inactivity clock (a customer visit or redemption). */
  activity?: boolean;
  /** May take the balance below zero: only a refund on a program that allows it (lib/ledger/refund.ts). */
  allowNegative?: boolean;
  /**
   * Further data-modifying statements run in the same statement as CTEs (no round trip of their own),
   * say the earn's goal contributions. They see the tables as before the statement, like every CTE.
   */
  alongside?: SQL[];
};

/**
 * Appends one entry to a locked card and moves its cached balance and lots with it, in a single
 * statement (one round trip): the entry, the lot change, the card update and the outbox row with its
 * NOTIFY are data-modifying CTEs of one query. Positive amounts open a lot expiring under the
 * program's policy; negative amounts consume the oldest open lots; the balance goes below zero only
 * with `allowNegative` (a refund of spent points), and a credit then opens a lot only for what lifts
 * it above zero, so open lots always sum to the positive part of the balance.
 *
 * `earnedInWindow` is what the card earned (earn and bonus entries) inside the program's tier window,
 * this entry included, read in the same statement so a tier decision needs no further query.
 */
export async function appendEntry(
  ctx: TxCtx,
  card: Card,
  program: Program,
  input: EntryInput,
): Promise<{ entry: LedgerEntry; card: Card; earnedInWindow: number | null }> {
  const at = now(ctx);
  const balanceAfter = card.balance + input.amount;
  if (balanceAfter < 0 && !input.allowNegative) {
    throw new AppError("insufficient_balance", `The card has ${card.balance}; this needs ${-input.amount}.`);
  }
  const entryId = newId("ent");
  const atSql = sql`${at.toISOString()}::timestamptz`;
  const earnedDelta = input.earned && input.amount > 0 ? input.amount : 0;
  const events = input.amount === 0 ? null : eventsSql(ctx.merchantId, [
    {
      type: "card.balance_changed",
      payload: { cardId: card.id, programId: card.programId, entryId, kind: input.kind, amount: input.amount, balance: balanceAfter },
    },
  ]);
  const windowStart = program.tiers ? new Date(at.getTime() - program.tiers.windowDays * 86_400_000).toISOString() : null;

  const [row] = await queryRows<{ seq: number | string; version: number; lifetime_earned: number; earned_in_window: number | null }>(
    ctx.db,
    sql`
    with entry as (
      insert into ${ledgerEntries} (id, merchant_id, card_id, kind, amount, balance_after, actor_type, actor_id, source, reference, reverses_entry_id, location_id, details, created_at)
      values (${entryId}, ${ctx.merchantId}, ${card.id}, ${input.kind}::entry_kind, ${input.amount}::int, ${balanceAfter}::int, ${ctx.actor.type}::actor_type,
              ${ctx.actor.id}, ${ctx.source}, ${input.reference ?? null}, ${input.reversesEntryId ?? null}, ${input.locationId ?? null},
              ${input.details ? JSON.stringify(input.details) : null}::jsonb, ${atSql})
      returning seq
    ),
    ${lotChanges(ctx, card, program, entryId, input, at)},
    card as (
      update ${cards} set
        balance = ${balanceAfter}::int,
        lifetime_earned = lifetime_earned + ${earnedDelta}::int,
        last_activity_at = ${input.activity ? atSql : sql`last_activity_at`},
        version = version + 1,
        updated_at = ${atSql}
      where id = ${card.id}
      returning version, lifetime_earned
    )${events ? sql`, events as (${events.insert})` : sql``}${sql.join((input.alongside ?? []).map((statement, i) => sql`, ${sql.raw(`alongside_${i}`)} as (${statement})`))}
    select
      (select seq from entry) as seq,
      (select version from card) as version,
      (select lifetime_earned from card) as lifetime_earned,
      ${
        windowStart
          ? sql`(select coalesce(sum(amount), 0)::int from ${ledgerEntries}
                 where card_id = ${card.id} and kind in ('earn', 'bonus') and created_at > ${windowStart}::timestamptz)`
          : sql`null::int`
      } as earned_in_window
      ${events ? sql`, ${events.notify}` : sql``}`,
  );

  const entry: LedgerEntry = {
    id: entryId,
    seq: Number(row!.seq),
    merchantId: ctx.merchantId,
    cardId: card.id,
    kind: input.kind,
    amount: input.amount,
    balanceAfter,
    actorType: ctx.actor.type,
    actorId: ctx.actor.id,
    source: ctx.source,
    reference: input.reference ?? null,
    reversesEntryId: input.reversesEntryId ?? null,
    locationId: input.locationId ?? null,
    details: input.details ?? null,
    createdAt: at,
  };
  const updated: Card = {
    ...card,
    balance: balanceAfter,
    lifetimeEarned: Number(row!.lifetime_earned),
    lastActivityAt: input.activity ? at : card.lastActivityAt,
    version: Number(row!.version),
    updatedAt: at,
  };
  // The window sum was read beside the insert, which a statement cannot see itself: add this entry.
  const counts = input.kind === "earn" || input.kind === "bonus";
  const earnedInWindow = row!.earned_in_window === null ? null : Number(row!.earned_in_window) + (counts ? input.amount : 0);
  return { entry, card: updated, earnedInWindow };
}

/**
 * The lot side of an entry, as CTEs: a new lot for a credit; for a debit, the oldest open lots
 * taken in order (each lot's running total says how much of the debit is still uncovered when it
 * is reached — the card row is locked, and lots always sum to the balance that was checked): the
 * lots it empties are deleted, the one it takes part of keeps the rest. Expiry closes its own lots
 * beforehand. A credit that only pays back a negative balance opens no lot.
 */
function lotChanges(ctx: TxCtx, card: Card, program: Program, entryId: string, input: EntryInput, at: Date): SQL {
  if (input.amount > 0) {
    const expiresAt = lotExpiry(program.expiry, at);
    const remaining = card.balance < 0 ? Math.max(0, card.balance + input.amount) : input.amount;
    if (remaining === 0) return sql`lots as (select 1)`;
    return sql`lots as (insert into ${pointLots} (id, merchant_id, card_id, entry_id, amount, remaining, expires_at, created_at)
      values (${newId("lot")}, ${ctx.merchantId}, ${card.id}, ${entryId}, ${input.amount}::int, ${remaining}::int,
              ${expiresAt ? expiresAt.toISOString() : null}::timestamptz, ${at.toISOString()}::timestamptz))`;
  }
  if (input.amount < 0 && input.kind !== "expire") {
    const debit = sql`${-input.amount}::int`;
    return sql`lots_taken as (
      select id, running from (
        select id, remaining, sum(remaining) over (order by created_at, id) as running
        from ${pointLots} where card_id = ${card.id}
      ) as ordered where running - remaining < ${debit}
    ),
    lots_emptied as (delete from ${pointLots} as lot using lots_taken t where lot.id = t.id and t.running <= ${debit}),
    lots as (update ${pointLots} as lot set remaining = t.running - ${debit} from lots_taken t where lot.id = t.id and t.running > ${debit})`;
  }
  return sql`lots as (select 1)`;
}
