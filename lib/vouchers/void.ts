import { and, eq, sql } from "drizzle-orm";
import { z } from "zod";
import { cards, vouchers, type Voucher } from "../../db/schema";
import { audit } from "../audit/log";
import { assertCan } from "../auth/permissions";
import { now, withTransaction, type Ctx } from "../context";
import { AppError, notFound } from "../errors";
import { EntityId } from "../ids";
import { SafeText } from "../input";
import { recordEvents } from "../outbox";

export const VoidVoucherInput = z
  .object({ reason: SafeText.trim().max(200).optional().describe("Why it is cancelled (kept in the audit log).") })
  .strict();
export type VoidVoucherInput = z.input<typeof VoidVoucherInput>;

const VoidOnVoucher = VoidVoucherInput.extend({ voucherId: EntityId });

/**
 * Cancels a voucher that was not used: it can no longer be redeemed and leaves the card page and the
 * passes. A used voucher is refused (409 conflict); one already cancelled is answered as it is.
 * The status flips in one conditional UPDATE, so a void racing a redemption loses or wins whole.
 */
export async function voidVoucher(ctx: Ctx, raw: z.input<typeof VoidOnVoucher>): Promise<Voucher> {
  assertCan(ctx.actor, "vouchers:void");
  const input = VoidOnVoucher.parse(raw);
  const at = now(ctx);
  return withTransaction(ctx, async (tx) => {
    const mine = and(eq(vouchers.id, input.voucherId), eq(vouchers.merchantId, tx.merchantId));
    const [voided] = await tx.db
      .update(vouchers)
      .set({ status: "void", voidedAt: at, voidedBy: tx.actor.id })
      .where(and(mine, eq(vouchers.status, "issued")))
      .returning();
    if (!voided) {
      const [existing] = await tx.db.select().from(vouchers).where(mine);
      if (!existing) throw notFound("Voucher");
      if (existing.status === "redeemed") {
        throw new AppError("conflict", `This voucher was already used${existing.redeemedAt ? ` on ${existing.redeemedAt.toISOString().slice(0, 10)}` : ""}; a used voucher cannot be cancelled.`);
      }
      return existing;
    }
    await tx.db.update(cards).set({ version: sql`${cards.version} + 1`, updatedAt: at }).where(eq(cards.id, voided.cardId));
    await recordEvents(tx.db, tx.merchantId, [{ type: "voucher.voided", payload: { voucherId: voided.id, cardId: voided.cardId, title: voided.title } }]);
    await audit(tx.db, tx.merchantId, tx.actor, "voucher.voided", { type: "voucher", id: voided.id }, { title: voided.title, cardId: voided.cardId, ...(input.reason ? { reason: input.reason } : {}) });
    return voided;
  });
}
