import { z } from "zod";
import type { Card, LedgerEntry } from "../../db/schema";
import { audit } from "../audit/log";
import { assertCan } from "../auth/permissions";
import { withTransaction, type Ctx } from "../context";
import { EntityId } from "../ids";
import { appendEntry, lockCardWithProgram } from "./core";
import { SafeMultilineText } from "../input";

export const AdjustInput = z
  .object({
    amount: z
      .int()
      .min(-10_000_000)
      .max(10_000_000)
      .refine((n) => n !== 0, "must not be zero"),
    reason: SafeMultilineText.trim().min(3, "say why, in a few words").max(500),
  })
  .strict();
export type AdjustInput = z.infer<typeof AdjustInput>;

const AdjustCard = AdjustInput.extend({ cardId: EntityId });

/** A manual correction, positive or negative, always with a reason and an audit entry. */
export async function adjust(ctx: Ctx, raw: z.input<typeof AdjustCard>): Promise<{ entry: LedgerEntry; card: Card }> {
  assertCan(ctx.actor, "points:adjust");
  const { cardId, ...input } = AdjustCard.parse(raw);
  return withTransaction(ctx, async (tx) => {
    const { card, program } = await lockCardWithProgram(tx, cardId);
    const result = await appendEntry(tx, card, program, { kind: "adjust", amount: input.amount, reference: input.reason, details: { reason: input.reason } });
    await audit(tx.db, ctx.merchantId, ctx.actor, "card.adjusted", { type: "card", id: card.id }, {
      amount: input.amount,
      reason: input.reason,
      entryId: result.entry.id,
      balanceBefore: card.balance,
      balanceAfter: result.card.balance,
    });
    return result;
  });
}
