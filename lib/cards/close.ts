import { and, eq } from "drizzle-orm";
import { z } from "zod";
import { cards, vouchers, type Card } from "../../db/schema";
import { audit } from "../audit/log";
import { assertCan } from "../auth/permissions";
import { withTransaction, type Ctx } from "../context";
import { EntityId } from "../ids";
import { SafeText } from "../input";
import { lockCard } from "../ledger/core";
import { recordEvents } from "../outbox";

export const CloseCardInput = z.object({ reason: SafeText.trim().max(200).optional().describe("Why the card is removed (kept in the audit log)") }).strict();

/**
 * Removes a card from its program: the card closes (no more earning or redeeming), its open vouchers
 * are voided and both wallets hear of it (`card.closed`: the Apple pass voided, the Google object
 * expired). The customer and their other cards stay; the ledger stays whole. Closing a closed card
 * changes nothing and answers the card, so a retried removal is safe.
 */
export async function closeCard(ctx: Ctx, raw: z.input<typeof CloseCardInput> & { cardId: string }): Promise<Card> {
  assertCan(ctx.actor, "cards:close");
  const { cardId, reason } = CloseCardInput.extend({ cardId: EntityId }).parse(raw);
  return withTransaction(ctx, async (tx) => {
    const card = await lockCard(tx, cardId);
    if (card.status === "closed") return card;
    const [closed] = await tx.db.update(cards).set({ status: "closed", updatedAt: new Date() }).where(eq(cards.id, card.id)).returning();
    const voided = await tx.db
      .update(vouchers)
      .set({ status: "void" })
      .where(and(eq(vouchers.cardId, card.id), eq(vouchers.status, "issued")))
      .returning({ id: vouchers.id });
    await recordEvents(tx.db, ctx.merchantId, [{ type: "card.closed", payload: { cardId: card.id, programId: card.programId } }]);
    await audit(tx.db, ctx.merchantId, ctx.actor, "card.closed", { type: "card", id: card.id }, { reason: reason ?? null, balance: card.balance, vouchersVoided: voided.length });
    return closed!;
  });
}
