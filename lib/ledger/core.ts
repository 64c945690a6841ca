import { and, asc, eq, gt, sql } from "drizzle-orm";
import type { Tx } from "../../db/client";
import { cards, ledgerEntries, pointLots, programs, type Card, type EntryKind, type LedgerEntry, type Program } from "../../db/schema";
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

  const [entry] = await ctx.db
    .insert(ledgerEntries)
    .values({
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
      locationId: input.locationId ?? null,
      reversesEntryId: input.reversesEntryId ?? null,
      details: input.details ?? null,
      createdAt: at,
    })
    .returning();

  if (input.amount > 0) {
    await ctx.db.insert(pointLots).values({
      id: newId("lot"),
      merchantId: ctx.merchantId,
      cardId: card.id,
      entryId: entry!.id,
      amount: input.amount,
      remaining: input.amount,
      expiresAt: lotExpiry(program.expiry, at),
      createdAt: at,
    });
  } else if (input.amount < 0 && input.kind !== "expire") {
    await consumeLots(ctx, card.id, -input.amount);
  }

  const [updated] = await ctx.db
    .update(cards)
    .set({
      balance: balanceAfter,
      lifetimeEarned: input.earned && input.amount > 0 ? sql`${cards.lifetimeEarned} + ${input.amount}` : cards.lifetimeEarned,
      lastActivityAt: input.activity ? at : cards.lastActivityAt,
      version: sql`${cards.version} + 1`,
      updatedAt: at,
    })
    .where(eq(cards.id, card.id))
    .returning();

  if (input.amount !== 0) {
    await recordEvents(ctx.db, ctx.merchantId, [
      {
        type: "card.balance_changed",
        payload: { cardId: card.id, programId: card.programId, entryId: entry!.id, kind: input.kind, amount: input.amount, balance: balanceAfter },
      },
    ]);
  }
  return { entry: entry!, card: updated! };
}

/** Takes `amount` from the card's open lots, oldest first. */
async function consumeLots(ctx: TxCtx, cardId: string, amount: number): Promise<void> {
  const open = await ctx.db
    .select({ id: pointLots.id, remaining: pointLots.remaining })
    .from(pointLots)
    .where(and(eq(pointLots.cardId, cardId), gt(pointLots.remaining, 0)))
    .orderBy(asc(pointLots.createdAt), asc(pointLots.id));
  let left = amount;
  for (const lot of open) {
    if (left === 0) break;
    const take = Math.min(lot.remaining, left);
    await ctx.db.update(pointLots).set({ remaining: lot.remaining - take }).where(eq(pointLots.id, lot.id));
    left -= take;
  }
  // The card row is locked and lots always sum to the balance, which was checked above.
  if (left > 0) throw new Error(`lots of card ${cardId} are short by ${left}`);
}
