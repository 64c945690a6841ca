import { and, eq } from "drizzle-orm";
import { z } from "zod";
import { programs, type Program } from "../../db/schema";
import { audit } from "../audit/log";
import { assertCan } from "../auth/permissions";
import { withTransaction, type Ctx } from "../context";
import { notFound } from "../errors";
import { EntityId } from "../ids";

export const RefundPolicyInput = z.object({ programId: EntityId, refundsMayGoNegative: z.boolean() }).strict();

/**
 * What a refund does when the purchase's points were already spent (lib/ledger/refund.ts): leave
 * the balance below zero, or (the default) record a debt on the card that the next earn pays first.
 */
export async function setRefundPolicy(ctx: Ctx, raw: z.input<typeof RefundPolicyInput>): Promise<Program> {
  assertCan(ctx.actor, "programs:write");
  const input = RefundPolicyInput.parse(raw);
  return withTransaction(ctx, async (tx) => {
    const [row] = await tx.db
      .update(programs)
      .set({ refundsMayGoNegative: input.refundsMayGoNegative, updatedAt: new Date() })
      .where(and(eq(programs.id, input.programId), eq(programs.merchantId, ctx.merchantId)))
      .returning();
    if (!row) throw notFound("Program");
    await audit(tx.db, ctx.merchantId, ctx.actor, "program.refund_policy", { type: "program", id: row.id }, { refundsMayGoNegative: input.refundsMayGoNegative });
    return row;
  });
}
