import { and, eq, sql } from "drizzle-orm";
import type { Tx } from "../../db/client";
import { cards, ledgerEntries, merchants, pointLots, programs, type Card, type EntryKind, type LedgerEntry, type Program } from "../../db/schema";
import { now, type Ctx } from "../context";
import { AppError, notFound } from "../errors";
import { newId } from "../ids";
import { recordEvents } from "../outbox";
import { lotExpiry } from "./expiry";

export type TxCtx = Ctx & { db: Tx };

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

/** lockCard, with the card's program and the merchant's time zone read in the same statement. */
export async function lockCardWithProgram(ctx: TxCtx, cardId: string): Promise<{ card: Card; program: Program; timezone: string }> {
  const [row] = await ctx.db
    .select({ card: cards, program: programs, timezone: merchants.timezone })
    .from(cards)
    .innerJoin(programs, eq(programs.id, cards.programId))
    .innerJoin(merchants, eq(merchants.id, cards.merchantId))
    .where(and(eq(cards.id, cardId), eq(cards.merchantId, ctx.merchantId)))
    .for("update", { of: cards });
  if (!row) throw notFound("Card");
  return row;
}

export async function loadProgram(ctx: Ctx, programId: string): Promise<Program> {
  const [program] = await ctx.db
    .select()
    .from(programs)
    .where(and(eq(programs.id, programId), eq(programs.merchantId, ctx.merchantId)));
  if (!program) throw notFound("Program");
  return program;
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
};

/**
 * Appends one entry to a locked card and moves its cached balance and lots with it.
 * Positive amounts open a lot expiring under the program's policy; negative amounts consume
 * the oldest open lots. The balance never goes below zero.
 */
export async function appendEntry(ctx: TxCtx, card: Card, program: Program, input: EntryInput): Promise<{ entry: LedgerEntry; card: Card }> {
  const at = now(ctx);
  const balanceAfter = card.balance + input.amount;
  if (balanceAfter < 0) {
    throw new AppError("insufficient_balance", `The card has ${card.balance}; this needs ${-input.amount}.`);
  }

  const entryId = newId("ent");
  // The writes below do not depend on each other (ids are made here), so they are sent together:
  // on postgres.js they pipeline over the transaction's connection in about one round trip.
  const [[entry], , [updated]] = await Promise.all([
    ctx.db
      .insert(ledgerEntries)
      .values({
        id: entryId,
        merchantId: ctx.merchantId,
        cardId: card.id,
        kind: input.kind,
        amount: input.amount,
        balanceAfter,
        actorType: ctx.actor.type,
        actorId: ctx.actor.id,
        source: ctx.source,
        reference: input.reference ?? null,
        locationId: input.locationId ?? null,
        reversesEntryId: input.reversesEntryId ?? null,
        details: input.details ?? null,
        createdAt: at,
      })
      .returning(),
    moveLots(ctx, card, program, entryId, input, at),
    ctx.db
      .update(cards)
      .set({
        balance: balanceAfter,
        lifetimeEarned: input.earned && input.amount > 0 ? sql`${cards.lifetimeEarned} + ${input.amount}` : cards.lifetimeEarned,
        lastActivityAt: input.activity ? at : cards.lastActivityAt,
        version: sql`${cards.version} + 1`,
        updatedAt: at,
      })
      .where(eq(cards.id, card.id))
      .returning(),
    input.amount === 0
      ? Promise.resolve([])
      : recordEvents(ctx.db, ctx.merchantId, [
          {
            type: "card.balance_changed",
            payload: { cardId: card.id, programId: card.programId, entryId, kind: input.kind, amount: input.amount, balance: balanceAfter },
          },
        ]),
  ]);
  return { entry: entry!, card: updated! };
}

async function moveLots(ctx: TxCtx, card: Card, program: Program, entryId: string, input: EntryInput, at: Date): Promise<unknown> {
  if (input.amount > 0) {
    return ctx.db.insert(pointLots).values({
      id: newId("lot"),
      merchantId: ctx.merchantId,
      cardId: card.id,
      entryId,
      amount: input.amount,
      remaining: input.amount,
      expiresAt: lotExpiry(program.expiry, at),
      createdAt: at,
    });
  }
  // Expiry closes its own lots; every other debit takes from the oldest.
  if (input.amount < 0 && input.kind !== "expire") return consumeLots(ctx, card.id, -input.amount);
}

/**
 * Takes `amount` from the card's open lots, oldest first, in one statement: each lot's running
 * total says how much of the debit is still uncovered when it is reached. The card row is locked,
 * and lots always sum to the balance that was checked, so the debit is always covered.
 */
async function consumeLots(ctx: TxCtx, cardId: string, amount: number): Promise<void> {
  await ctx.db.execute(sql`
    with ordered as (
      select id, remaining, sum(remaining) over (order by created_at, id) as running
      from ${pointLots}
      where card_id = ${cardId} and remaining > 0
    )
    update ${pointLots} as lot
    set remaining = greatest(0, ordered.running - ${amount})
    from ordered
    where lot.id = ordered.id and ordered.running - ordered.remaining < ${amount}`);
}
