import { and, eq, gt, isNull, or, sql } from "drizzle-orm";
import { z } from "zod";
import { rewards, type Card, type LedgerEntry, type Voucher } from "../../db/schema";
import { assertCan } from "../auth/permissions";
import { now, withTransaction, type Ctx } from "../context";
import { AppError, notFound } from "../errors";
import { EntityId } from "../ids";
import { appendEntry, lockCardWithProgram } from "../ledger/core";
import { issueVoucher } from "../vouchers/issue";
import { rewardUnavailable } from "./availability";

export const RedeemInput = z.object({ rewardId: EntityId }).strict();
export type RedeemInput = z.infer<typeof RedeemInput>;

const RedeemOnCard = RedeemInput.extend({ cardId: EntityId });

/** Spends points on a catalog reward: debit, stock and voucher move together or not at all. */
export async function redeemReward(ctx: Ctx, raw: z.input<typeof RedeemOnCard>): Promise<{ voucher: Voucher; entry: LedgerEntry; card: Card }> {
  assertCan(ctx.actor, "rewards:redeem");
  const { cardId, ...input } = RedeemOnCard.parse(raw);
  return withTransaction(ctx, async (tx) => {
    const { card, program } = await lockCardWithProgram(tx, cardId);
    if (ctx.actor.type === "customer" && ctx.actor.id !== card.customerId) throw notFound("Card");
    if (card.status !== "active") throw new AppError("inactive", "This card is closed.");
    const [reward] = await tx.db
      .select()
      .from(rewards)
      .where(and(eq(rewards.id, input.rewardId), eq(rewards.merchantId, ctx.merchantId)));
    if (!reward || reward.programId !== card.programId) throw notFound("Reward");
    if (!reward.active) throw new AppError("inactive", "This reward is no longer offered.");
    // Tier and dates; stock is taken below, atomically.
    const closed = rewardUnavailable(reward, card, now(ctx));
    if (closed && closed.reason !== "out_of_stock") throw new AppError("not_available", `${reward.name}: ${closed.message}.`);
    if (card.balance < reward.cost) {
      throw new AppError("insufficient_balance", `This reward costs ${reward.cost}; the card has ${card.balance}.`);
    }
    // Take one from stock; a conditional update, so two last-item redemptions cannot both win.
    const [taken] = await tx.db
      .update(rewards)
      .set({ inventory: sql`${rewards.inventory} - 1` })
      .where(and(eq(rewards.id, reward.id), or(isNull(rewards.inventory), gt(rewards.inventory, 0))))
      .returning({ id: rewards.id });
    if (!taken) throw new AppError("out_of_stock", `${reward.name} is out of stock.`);

    const debit = await appendEntry(tx, card, program, {
      kind: "redeem",
      amount: -reward.cost,
      reference: reward.id,
      details: { reward: reward.name },
      activity: true,
    });
    const voucher = await issueVoucher(tx, debit.card, { rewardId: reward.id, entryId: debit.entry.id, fallbackTitle: reward.name });
    return { voucher, entry: debit.entry, card: debit.card };
  });
}
