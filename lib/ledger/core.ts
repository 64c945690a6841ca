import { and, eq, getTableColumns, sql, type SQL } from "drizzle-orm";
import { queryRows } from "../../db/client";
import { cachedStatement, columnReads, fromColumns, slot } from "../../db/statement";
import { cards, ledgerEntries, pointLots, programs, type Card, type EntryKind, type LedgerEntry, type LedgerProgram } from "../../db/schema";
import { now, type Ctx, type TxCtx } from "../context";
import { AppError, notFound } from "../errors";
import { newId } from "../ids";
import { announceEvents, eventSql } from "../outbox";
import { CLAIM_IN_STATEMENT, claimValues, isWriteRetry, KEY_CLAIMED, WRITE_RETRY, type KeyedRequest, type Stored } from "../idempotency";
import { parseRunning, runningCampaignsSql, type RunningCampaign } from "../campaigns/active";
import { lotExpiry } from "../expiry/policy";
import { nextTier, tierFor } from "../tiers/schema";
import { goalsRunningSql } from "../goals/running";

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

/**
 * A card as a balance change reads it, with its program, the merchant's time zone and the campaigns
 * running for it. `seen` is the card row's version as read (its `xmin`, see appendEntryIfUnchanged).
 */
export type LockedCard = { card: Card; program: LedgerProgram; timezone: string; campaigns: RunningCampaign[]; goalsRunning: boolean; seen: string };

/**
 * lockCard, with the card's program, the merchant's time zone and (given `campaignsAt`) the
 * campaigns running for the card and whether a goal of its program runs then (`goalsRunning`; the
 * earn's statement counts toward goals only then: lib/goals/running.ts), read in the same statement.
 *
 * On every balance change's path, so the statement's text is built once per shape (LOCK, see
 * db/statement.ts; drizzle's select builder cost more CPU than anything else in it) and the row is
 * mapped column by column with the schema's own decoders, as drizzle maps a select.
 */
export async function lockCardWithProgram(ctx: TxCtx, cardId: string, opts: { campaignsAt?: Date } = {}): Promise<LockedCard> {
  return readCard(ctx, cardId, { ...opts, lock: true });
}

/**
 * lockCardWithProgram without the lock, outside a transaction: what an earn reads before writing
 * its entry with appendEntryIfUnchanged, which writes nothing if the card row changed in between.
 */
export async function readCardWithProgram(ctx: Ctx, cardId: string, opts: { campaignsAt?: Date } = {}): Promise<LockedCard> {
  return readCard(ctx, cardId, { ...opts, lock: false });
}

async function readCard(ctx: Ctx, cardId: string, opts: { campaignsAt?: Date; lock: boolean }): Promise<LockedCard> {
  const values = { cardId, merchantId: ctx.merchantId, at: opts.campaignsAt?.toISOString() ?? null };
  const [row] = await queryRows<Record<string, unknown>>(ctx.db, LOCK.bind({ campaigns: opts.campaignsAt !== undefined, lock: opts.lock }, values));
  if (!row) throw notFound("Card");
  return {
    card: fromColumns<Card>(CARD_COLUMNS, row),
    program: fromColumns<LedgerProgram>(PROGRAM_COLUMNS, row),
    timezone: row.tz as string,
    campaigns: parseRunning(row.campaigns as RunningCampaign[] | string | null),
    goalsRunning: row.goals === true,
    seen: row.seen as string,
  };
}

// Every column of the program but the pass's design (LedgerProgram): no balance change uses it, and a
// merchant's inline logo and strip made every earn's read hundreds of KB.
const { design: _design, ...LEDGER_PROGRAM_COLUMNS } = getTableColumns(programs);
const CARD_COLUMNS = columnReads(getTableColumns(cards), "c");
const PROGRAM_COLUMNS = columnReads(LEDGER_PROGRAM_COLUMNS, "p");
const LOCK_SELECT = sql.raw(
  [
    ...CARD_COLUMNS.map((c) => `"cards"."${c.name}" as ${c.alias}`),
    ...PROGRAM_COLUMNS.map((c) => `"programs"."${c.name}" as ${c.alias}`),
    `"merchants"."timezone" as tz`,
    `"cards"."xmin"::text as seen`,
  ].join(", "),
);
const LOCK_FROM = sql.raw(`from "cards" inner join "programs" on "programs"."id" = "cards"."program_id" inner join "merchants" on "merchants"."id" = "cards"."merchant_id"`);
const LOCK = cachedStatement({
  key: (shape: { campaigns: boolean; lock: boolean }) => `${shape.campaigns ? "campaigns" : "card"}${shape.lock ? ",lock" : ""}`,
  build: ({ campaigns, lock }) =>
    sql`select ${LOCK_SELECT}, ${campaigns ? runningCampaignsSql(sql`${slot("at")}::timestamptz`) : sql`null`} as campaigns,
        ${campaigns ? goalsRunningSql(sql`${slot("at")}::timestamptz`) : sql`false`} as goals ${LOCK_FROM}
        where "cards"."id" = ${slot("cardId")} and "cards"."merchant_id" = ${slot("merchantId")}${lock ? sql` for update of "cards"` : sql``}`,
});

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
   * say the earn's goal contributions. They see the tables as before the statement, like every CTE,
   * and each writes only when the entry is written: it tests CARD_UPDATED (or selects from `card`).
   */
  alongside?: Alongside[];
};

/**
 * A statement run as a CTE of the entry's statement: a text with slots (db/statement.ts), the same
 * text for every call with that `name`, and the slots' values (their names distinct from the entry's).
 */
export type Alongside = { name: string; statement: SQL; values: Record<string, unknown> };

/**
 * Appends one entry to a locked card and moves its cached balance and lots with it, in a single
 * statement (one round trip): the entry, the lot change, the card update and the outbox row are
 * data-modifying CTEs of one query (live views hear of the event after the commit: announceEvents).
 * Positive amounts open a lot expiring under the program's policy; negative amounts consume the oldest open lots; the balance goes below zero only
 * with `allowNegative` (a refund of spent points), and a credit then opens a lot only for what lifts
 * it above zero, so open lots always sum to the positive part of the balance.
 *
 * `earnedInWindow` is what the card earned (earn and bonus entries) inside the program's tier window,
 * this entry included, read in the same statement so a tier decision needs no further query. It is
 * not read when no sum the window could hold moves the card's tier (`tierSettled`, see below).
 *
 * The statement's text is built once per shape (APPEND below; db/statement.ts): every balance
 * change runs it, and drizzle assembling it afresh each time was the largest CPU cost of an earn in
 * the app's own code.
 */
export async function appendEntry(ctx: TxCtx, card: Card, program: LedgerProgram, input: EntryInput): Promise<Appended> {
  const appended = await append(ctx, card, program, input, "locked", null);
  if (!appended || appended === "key taken") throw new Error(`appendEntry: card ${card.id} was not updated`);
  return appended;
}

/**
 * appendEntry for a card read without a lock and outside a transaction (readCardWithProgram): the
 * statement is its own transaction, and it writes only while the card row is still the version that
 * was read, its `xmin` (Postgres's id of the transaction that wrote the row's current version, which
 * every update of the row changes, whichever code makes it). When the row changed in between, it
 * writes nothing and returns null, and the caller starts over under the lock. Two such writes to one
 * card at once: the second waits on the row, sees a new `xmin` and writes nothing.
 *
 * Everything the caller derived from what it read (the balance, a daily cap's sum of entries, the
 * tier) holds at the write, since each of them changes only with the card row. The program and
 * campaigns are read as under the lock: they are not locked there either.
 */
export async function appendEntryIfUnchanged(ctx: Ctx, read: Pick<LockedCard, "card" | "seen">, program: LedgerProgram, input: EntryInput): Promise<Appended | null> {
  const appended = await append(ctx, read.card, program, input, { seen: read.seen }, null);
  return appended === "key taken" ? null : appended;
}

/**
 * The everyday earn's write when nothing it decided depends on the card's balance at the write
 * (no daily cap, no campaign, not a stamp card; see earnInOneStatement): instead of the whole row
 * being the version read (appendEntryIfUnchanged), the statement re-checks what the decision read
 * from the row: the card active, not held, without a debt or a pending referral, not below zero,
 * its tier the same and its lifetime earnings still below the next rung with this entry. The balance
 * moves in the statement itself (`balance + amount`), so two earns on one card at once queue on the
 * row as any two updates do and both write, where the version check had the second start over (a
 * new read and write, behind every other request in flight: the earn's tail at 32 connections).
 * Null when a re-checked fact no longer holds (nothing written): the caller takes the lock.
 */
export async function appendEntryWhileEarnable(ctx: Ctx, card: Card, program: LedgerProgram, input: EntryInput): Promise<Appended | null> {
  if (input.amount < 0 || card.balance < 0 || !tierStays(program, card, input.earned ? input.amount : 0)) {
    throw new Error("appendEntryWhileEarnable: a credit on a card at or above zero whose tier stays");
  }
  const appended = await append(ctx, card, program, input, { earnable: true }, null);
  return appended === "key taken" ? null : appended;
}

/** An entry as its statement writes it, before Postgres numbers it (`seq`). */
export type NewEntry = Omit<LedgerEntry, "seq">;

/**
 * An Idempotency-Key claimed in the entry's own statement (appendKeyedIfUnchanged), with the answer
 * stored beside it, made by `answer` from the entry and the card as the statement will leave them.
 */
export type KeyClaim = KeyedRequest & { answer: (appended: { entry: NewEntry; card: Card }) => Promise<Stored<unknown>> };

/**
 * appendEntryIfUnchanged for a request with an Idempotency-Key: the key, its answer, the entry and
 * everything with it in one statement (CLAIM_IN_STATEMENT). Null when the card changed since it was
 * read (nothing written; the key stays free), "key taken" when the key was already used (nothing
 * written; storedAnswer has its answer). A crash cannot leave the key claimed without its entry: both
 * are one statement, one transaction.
 */
export async function appendKeyedIfUnchanged(ctx: Ctx, read: Pick<LockedCard, "card" | "seen">, program: LedgerProgram, input: EntryInput, claim: KeyClaim): Promise<Appended | "key taken" | null> {
  return append(ctx, read.card, program, input, { seen: read.seen }, claim);
}

/** An appended entry and the card after it; `answer` is what a KeyClaim stored with them. */
type Appended = { entry: LedgerEntry; card: Card; earnedInWindow: number | null; tierSettled: boolean; answer?: Stored<unknown> };

/**
 * What the entry's statement writes onto: a card locked by the caller's transaction; the card row
 * only if it is still the version read (`seen`, its xmin); or a card that still earns as read
 * (`earnable`, appendEntryWhileEarnable), the balance taken from the row at the write.
 */
type WriteOnto = "locked" | { seen: string } | { earnable: true };

async function append(
  ctx: Ctx,
  card: Card,
  program: LedgerProgram,
  input: EntryInput,
  onto: WriteOnto,
  keyed: KeyClaim | null,
): Promise<Appended | "key taken" | null> {
  const seen = typeof onto === "object" && "seen" in onto ? onto.seen : null;
  const earnable = typeof onto === "object" && "earnable" in onto;
  const at = now(ctx);
  const balanceAfter = card.balance + input.amount;
  if (balanceAfter < 0 && !input.allowNegative) {
    throw new AppError("insufficient_balance", `The card has ${card.balance}; this needs ${-input.amount}.`);
  }
  const atIso = at.toISOString();
  const lots = lotChange(card, program, input, at);
  const events = input.amount !== 0;
  const alongside = input.alongside ?? [];
  const earnedDelta = input.earned && input.amount > 0 ? input.amount : 0;
  const tierSettled = settledTier(program, card, card.lifetimeEarned + earnedDelta);
  if (keyed && seen === null) throw new Error("append: a key is claimed in the statement only on a card read without a lock");
  const claim = keyed !== null;
  const shape: AppendShape = { lots: lots.kind, events, window: program.tiers !== null && !tierSettled, activity: input.activity === true, seen: seen !== null, earnable, claim, alongside };
  // The entry returned; its columns are also the statement's slots of the same names (below).
  const entry: NewEntry = {
    id: newId("ent"),
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
  // Every slot of every shape, written out with null for those this shape does not use: one object
  // shape for every earn, without the spreads' copies (bench/results/earn-profile.md, line by line).
  const values: Record<string, unknown> = {
    id: entry.id,
    merchantId: entry.merchantId,
    cardId: entry.cardId,
    kind: entry.kind,
    amount: entry.amount,
    balanceAfter,
    actorType: entry.actorType,
    actorId: entry.actorId,
    source: entry.source,
    reference: entry.reference,
    reversesEntryId: entry.reversesEntryId,
    locationId: entry.locationId,
    details: input.details ? JSON.stringify(input.details) : null,
    at: atIso,
    earnedDelta,
    windowStart: program.tiers ? new Date(at.getTime() - program.tiers.windowDays * 86_400_000).toISOString() : null,
    lotId: lots.lotId,
    lotRemaining: lots.lotRemaining,
    lotExpiresAt: lots.lotExpiresAt,
    debit: lots.debit,
    programId: events ? card.programId : null,
    event_id: events ? newId("evt") : null,
    event_merchant_id: events ? ctx.merchantId : null,
    seen,
    tierAsRead: earnable ? card.tier : null,
    tierCeiling: earnable ? tierCeiling(program) : null,
  };
  for (const part of alongside) Object.assign(values, part.values);
  let answer: Stored<unknown> | undefined;
  if (keyed) {
    // The card as the statement leaves it, if it writes: it writes only onto the row version read.
    const after: Card = { ...card, balance: balanceAfter, lifetimeEarned: card.lifetimeEarned + earnedDelta, lastActivityAt: input.activity ? at : card.lastActivityAt, version: card.version + 1, updatedAt: at };
    answer = await keyed.answer({ entry, card: after });
    Object.assign(values, claimValues(keyed, answer));
  }

  let row: { seq: number | string | null; version: number | null; lifetime_earned: number; balance: number | null; earned_in_window: number | null; claimed?: number } | undefined;
  try {
    [row] = await queryRows<NonNullable<typeof row>>(ctx.db, APPEND.bind(shape, values));
  } catch (error) {
    if (claim && isWriteRetry(error)) return null;
    throw error;
  }
  if (claim && Number(row?.claimed) === 0) return "key taken";
  if (row?.version === null || row?.version === undefined) return null;
  if (events) announceEvents(ctx.db, ctx.merchantId, [values.event_id as string]);

  // Written while earnable, the balance is the row's at the write (another earn may have gone first).
  const balance = earnable ? Number(row!.balance) : balanceAfter;
  const updated: Card = {
    ...card,
    balance,
    lifetimeEarned: Number(row!.lifetime_earned),
    lastActivityAt: input.activity ? at : card.lastActivityAt,
    version: Number(row!.version),
    updatedAt: at,
  };
  // The window sum was read beside the insert, which a statement cannot see itself: add this entry.
  const counts = input.kind === "earn" || input.kind === "bonus";
  const earnedInWindow = row!.earned_in_window === null ? null : Number(row!.earned_in_window) + (counts ? input.amount : 0);
  return { entry: { ...entry, balanceAfter: balance, seq: Number(row!.seq) }, card: updated, earnedInWindow, tierSettled, ...(answer ? { answer } : {}) };
}

/**
 * Whether the card's tier stays what it is whatever its tier window holds, so the window's sum need
 * not be read: the card is on the ladder's first rung and even its lifetime earnings (every earn and
 * bonus adds to them, so no window holds more) stay below the next. Most cards of a tiered program,
 * most of the time; a card above the first rung may drop as its window moves, so it is always summed.
 */
function settledTier(program: LedgerProgram, card: Card, lifetimeEarned: number): boolean {
  if (!program.tiers) return false;
  const first = tierFor(program.tiers, 0);
  return card.tier === (first?.name ?? null) && tierFor(program.tiers, lifetimeEarned) === first;
}

/** Whether crediting `earned` leaves the card's tier as it is, whatever its window holds: no tiers, or settledTier. */
export function tierStays(program: LedgerProgram, card: Card, earned: number): boolean {
  return program.tiers === null || settledTier(program, card, card.lifetimeEarned + earned);
}

/**
 * Where a card whose tier is settled (settledTier: on the rung a new card gets, or below every rung
 * when none starts at zero) stops being so: the threshold of the next rung up, null when there is none.
 */
function tierCeiling(program: LedgerProgram): number | null {
  if (!program.tiers) return null;
  return nextTier(program.tiers, tierFor(program.tiers, 0)?.threshold ?? 0)?.threshold ?? null;
}

type LotKind = "open" | "debit" | "none";
type AppendShape = { lots: LotKind; events: boolean; window: boolean; activity: boolean; seen: boolean; earnable: boolean; claim: boolean; alongside: readonly Alongside[] };

/**
 * The lot side of an entry: a new lot for a credit; for a debit, the oldest open lots taken in order
 * (see LOT_CHANGES). Expiry closes its own lots beforehand. A credit that only pays back a negative
 * balance opens no lot.
 */
function lotChange(card: Card, program: LedgerProgram, input: EntryInput, at: Date): LotValues {
  const none: LotValues = { kind: "none", lotId: null, lotRemaining: null, lotExpiresAt: null, debit: null };
  if (input.amount > 0) {
    const remaining = card.balance < 0 ? Math.max(0, card.balance + input.amount) : input.amount;
    if (remaining === 0) return none;
    const expiresAt = lotExpiry(program.expiry, at);
    return { ...none, kind: "open", lotId: newId("lot"), lotRemaining: remaining, lotExpiresAt: expiresAt ? expiresAt.toISOString() : null };
  }
  if (input.amount < 0 && input.kind !== "expire") return { ...none, kind: "debit", debit: -input.amount };
  return none;
}

/** A lot change and its statement slots; the slots its kind does not use are null. */
type LotValues = { kind: LotKind; lotId: string | null; lotRemaining: number | null; lotExpiresAt: string | null; debit: number | null };

const AT = sql`${slot("at")}::timestamptz`;
const DEBIT = sql`${slot("debit")}::int`;

/**
 * True in the entry statement once its card row was updated. The statement updates the card first,
 * and every other write in it reads the `card` CTE (a select from it, or this test): when the update
 * finds no row (appendEntryIfUnchanged, the row changed since it was read) nothing is written.
 */
export const CARD_UPDATED = sql`exists (select 1 from card)`;

/**
 * The lot side as CTEs. A debit takes the oldest open lots in order, each lot's running total saying
 * how much of the debit is still uncovered when it is reached (the card row is locked, and lots
 * always sum to the balance that was checked): the lots it empties are deleted, the one it takes
 * part of keeps the rest.
 */
const LOT_CHANGES: Record<LotKind, SQL> = {
  open: sql`lots as (insert into ${pointLots} (id, merchant_id, card_id, entry_id, amount, remaining, expires_at, created_at)
      select ${slot("lotId")}, ${slot("merchantId")}, ${slot("cardId")}, ${slot("id")}, ${slot("amount")}::int, ${slot("lotRemaining")}::int,
             ${slot("lotExpiresAt")}::timestamptz, ${AT} from card)`,
  debit: sql`lots_taken as (
      select id, running from (
        select id, remaining, sum(remaining) over (order by created_at, id) as running
        from ${pointLots} where card_id = ${slot("cardId")}
      ) as ordered where running - remaining < ${DEBIT} and ${CARD_UPDATED}
    ),
    lots_emptied as (delete from ${pointLots} as lot using lots_taken t where lot.id = t.id and t.running <= ${DEBIT}),
    lots as (update ${pointLots} as lot set remaining = t.running - ${DEBIT} from lots_taken t where lot.id = t.id and t.running > ${DEBIT})`,
  none: sql`lots as (select 1)`,
};

/** The entry's event (lib/events/catalogue.ts, card.balance_changed), its payload from the entry's own slots. */
const balanceChanged = (balance: SQL) =>
  eventSql(
    "card.balance_changed",
    sql`jsonb_build_object('cardId', ${slot("cardId")}::text, 'programId', ${slot("programId")}::text, 'entryId', ${slot("id")}::text,
                           'kind', ${slot("kind")}::text, 'amount', ${slot("amount")}::int, 'balance', ${balance})`,
    CARD_UPDATED,
  );

/**
 * The balance after the entry: worked out by the caller from the card it locked or read unchanged,
 * or, written while earnable, the card row's as the statement's update left it.
 */
const BALANCE_AFTER = { given: sql`${slot("balanceAfter")}::int`, fromRow: sql`(select balance from card)` };

/** appendEntryWhileEarnable's re-check of the facts its earn decided on (see there). */
const STILL_EARNABLE = sql`status = 'active' and held_by_flag_id is null and debt = 0 and referred_by_card_id is null and balance >= 0
        and tier is not distinct from ${slot("tierAsRead")}::text
        and (${slot("tierCeiling")}::int is null or lifetime_earned + ${slot("earnedDelta")}::int < ${slot("tierCeiling")}::int)`;

const APPEND = cachedStatement({
  key: (s: AppendShape) =>
    `${s.lots}${s.events ? ",events" : ""}${s.window ? ",window" : ""}${s.activity ? ",activity" : ""}${s.seen ? ",seen" : ""}${s.earnable ? ",earnable" : ""}${s.claim ? ",claim" : ""}${s.alongside.map((a) => `,${a.name}`).join("")}`,
  build: (s: AppendShape) => sql`
    with ${s.claim ? sql`${CLAIM_IN_STATEMENT},` : sql``} card as (
      update ${cards} set
        balance = ${s.earnable ? sql`balance + ${slot("amount")}::int` : BALANCE_AFTER.given},
        lifetime_earned = lifetime_earned + ${slot("earnedDelta")}::int,
        last_activity_at = ${s.activity ? AT : sql`last_activity_at`},
        version = version + 1,
        updated_at = ${AT}
      where id = ${slot("cardId")}${s.seen ? sql` and xmin = ${slot("seen")}::xid` : sql``}${s.earnable ? sql` and ${STILL_EARNABLE}` : sql``}${s.claim ? sql` and ${KEY_CLAIMED}` : sql``}
      returning version, lifetime_earned, balance
    ),
    entry as (
      insert into ${ledgerEntries} (id, merchant_id, card_id, kind, amount, balance_after, actor_type, actor_id, source, reference, reverses_entry_id, location_id, details, created_at)
      select ${slot("id")}, ${slot("merchantId")}, ${slot("cardId")}, ${slot("kind")}::entry_kind, ${slot("amount")}::int, ${s.earnable ? sql`card.balance` : BALANCE_AFTER.given}, ${slot("actorType")}::actor_type,
             ${slot("actorId")}, ${slot("source")}, ${slot("reference")}, ${slot("reversesEntryId")}, ${slot("locationId")},
             ${slot("details")}::jsonb, ${AT}
      from card
      returning seq
    ),
    ${LOT_CHANGES[s.lots]}${s.events ? sql`, events as (${balanceChanged(s.earnable ? BALANCE_AFTER.fromRow : BALANCE_AFTER.given)})` : sql``}${sql.join(s.alongside.map((part, i) => sql`, ${sql.raw(`alongside_${i}`)} as (${part.statement})`))}
    select
      (select seq from entry) as seq,
      (select version from card) as version,
      (select lifetime_earned from card) as lifetime_earned,
      (select balance from card) as balance,
      ${
        s.window
          ? sql`(select coalesce(sum(amount), 0)::int from ${ledgerEntries}
                 where card_id = ${slot("cardId")} and kind in ('earn', 'bonus') and created_at > ${slot("windowStart")}::timestamptz)`
          : sql`null::int`
      } as earned_in_window${
        s.claim
          ? sql`,
      (select count(*) from claim)::int as claimed,
      case when ${KEY_CLAIMED} and not ${CARD_UPDATED} then ${WRITE_RETRY} end as retry`
          : sql``
      }`,
});
