import { and, eq } from "drizzle-orm";
import { z } from "zod";
import { ledgerEntries, type Card, type LedgerEntry } from "../../db/schema";
import { audit } from "../audit/log";
import { assertCan } from "../auth/permissions";
import { withTransaction, type Ctx } from "../context";
import { AppError, notFound } from "../errors";
import { EntityId } from "../ids";
import { appendEntry, lockCardWithProgram } from "./core";
import { SafeMultilineText } from "../input";

export const ReverseInput = z.object({ entryId: EntityId, reason: SafeMultilineText.trim().min(3).max(500) }).strict();
export type ReverseInput = z.infer<typeof ReverseInput>;
/** The input when the entry is named elsewhere (the API's path): only the reason. */
export const ReverseReasonInput = ReverseInput.omit({ entryId: true });

/** Undoes an entry with an opposite one. An entry is reversed at most once; reversals are not reversed. */
export async function reverse(ctx: Ctx, raw: ReverseInput): Promise<{ entry: LedgerEntry; card: Card }> {
  assertCan(ctx.actor, "points:reverse");
  const input = ReverseInput.parse(raw);
  return withTransaction(ctx, async (tx) => {
    const [original] = await tx.db
      .select()
      .from(ledgerEntries)
      .where(and(eq(ledgerEntries.id, input.entryId), eq(ledgerEntries.merchantId, ctx.merchantId)));
    if (!original) throw notFound("Entry");
    const { card, program } = await lockCardWithProgram(tx, original.cardId);
    if (original.kind === "reverse") throw new AppError("conflict", "A reversal cannot itself be reversed.");
    if (original.kind === "expire") throw new AppError("conflict", "Expired points are restored with an adjustment, not a reversal.");
    if (original.amount === 0) throw new AppError("conflict", "This entry moved no points.");
    const [already] = await tx.db.select({ id: ledgerEntries.id }).from(ledgerEntries).where(eq(ledgerEntries.reversesEntryId, original.id));
    if (already) throw new AppError("conflict", "This entry was already reversed.");

    const result = await appendEntry(tx, card, program, {
      kind: "reverse",
      amount: -original.amount,
      reference: original.reference,
      reversesEntryId: original.id,
      details: { reason: input.reason, reversedKind: original.kind },
    });
    await audit(tx.db, ctx.merchantId, ctx.actor, "entry.reversed", { type: "entry", id: original.id }, { reason: input.reason, entryId: result.entry.id });
    return result;
  });
}
