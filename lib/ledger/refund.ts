import { and, eq, sql } from "drizzle-orm";
import { z } from "zod";
import { cards, ledgerEntries, type Card, type LedgerEntry, type LedgerProgram } from "../../db/schema";
import { assertCan } from "../auth/permissions";
import { withTransaction, type Ctx, type TxCtx } from "../context";
import { AppError, notFound } from "../errors";
import { EntityId } from "../ids";
import { SafeText } from "../input";
import { appendEntry, lockCardWithProgram } from "./core";

/**
 * Taking back the points of a refunded purchase (the earn connectors, lib/integrations), in part or
 * in full. When the points were already spent, the program decides (`refundsMayGoNegative`): the
 * balance goes below zero, or what cannot be taken now becomes a debt on the card that the next earn
 * pays first (`payDebt`). Either way the `reverse` entry says what happened in its details.
 */
export const RefundInput = z
  .object({
    cardId: EntityId,
    /** The earn entry of the purchase. */
    entryId: EntityId,
    points: z.int().positive().max(10_000_000),
    /** The whole purchase is now refunded: the earn counts as reversed (no longer a visit). */
    final: z.boolean().default(false),
    reference: SafeText.max(200).optional(),
  })
  .strict();

export type RefundOutcome = { entry: LedgerEntry; card: Card; taken: number; owed: number };

export async function refundPoints(ctx: Ctx, raw: z.input<typeof RefundInput>): Promise<RefundOutcome> {
  assertCan(ctx.actor, "points:reverse");
  const input = RefundInput.parse(raw);
  return withTransaction(ctx, async (tx) => {
    const [original] = await tx.db
      .select({ id: ledgerEntries.id, cardId: ledgerEntries.cardId, kind: ledgerEntries.kind })
      .from(ledgerEntries)
      .where(and(eq(ledgerEntries.id, input.entryId), eq(ledgerEntries.merchantId, ctx.merchantId)));
    if (!original || original.cardId !== input.cardId) throw notFound("Entry");
    if (original.kind !== "earn") throw new AppError("conflict", "Only an earn is refunded.");
    const { card, program } = await lockCardWithProgram(tx, input.cardId);
    const negative = program.refundsMayGoNegative;
    const taken = negative ? input.points : Math.min(input.points, Math.max(0, card.balance));
    const owed = input.points - taken;
    // One entry reverses the earn (the unique index on reverses_entry_id): the refund that completes it,
    // unless someone reversed the earn by hand already.
    const [already] = input.final
      ? await tx.db.select({ id: ledgerEntries.id }).from(ledgerEntries).where(eq(ledgerEntries.reversesEntryId, original.id))
      : [undefined];
    const result = await appendEntry(tx, card, program, {
      kind: "reverse",
      amount: -taken,
      reference: input.reference,
      reversesEntryId: input.final && !already ? original.id : null,
      allowNegative: negative,
      details: {
        reason: owed > 0 ? `Refunded purchase: ${owed} owed, paid from the next earn` : "Refunded purchase",
        refundOf: original.id,
        points: input.points,
        ...(owed > 0 ? { owed } : {}),
      },
    });
    let updated = result.card;
    if (owed > 0) {
      await tx.db.update(cards).set({ debt: sql`${cards.debt} + ${owed}` }).where(eq(cards.id, card.id));
      updated = { ...updated, debt: card.debt + owed };
    }
    return { entry: result.entry, card: updated, taken, owed };
  });
}

/**
 * Pays a card's refund debt from what an earn just added, as a `reverse` entry after the earn (its
 * details name the debt). Called by earn on the card it has locked; returns the card as it is after.
 */
export async function payDebt(tx: TxCtx, card: Card, program: LedgerProgram, earnEntryId: string): Promise<Card> {
  const pay = Math.min(card.debt, Math.max(0, card.balance));
  if (pay <= 0) return card;
  const result = await appendEntry(tx, card, program, {
    kind: "reverse",
    amount: -pay,
    reference: earnEntryId,
    details: { reason: "Paid toward a refund of points already spent", debtPaid: pay, debtLeft: card.debt - pay },
  });
  await tx.db.update(cards).set({ debt: sql`${cards.debt} - ${pay}` }).where(eq(cards.id, card.id));
  return { ...result.card, debt: card.debt - pay };
}
