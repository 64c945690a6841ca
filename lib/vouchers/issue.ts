import { and, eq } from "drizzle-orm";
import { rewards, vouchers, type Card, type Voucher } from "../../db/schema";
import { now, type TxCtx } from "../context";
import { env } from "../env";
import { humanCode, newId, randomString } from "../ids";
import { recordEvents } from "../outbox";

const DAY = 86_400_000;

/** Issues a voucher on a card inside the caller's transaction. Codes are retried on the rare collision. */
export async function issueVoucher(
  ctx: TxCtx,
  card: Card,
  opts: { rewardId: string | null; entryId: string | null; fallbackTitle: string; ttlDays?: number },
): Promise<Voucher> {
  let title = opts.fallbackTitle;
  if (opts.rewardId) {
    const [reward] = await ctx.db
      .select({ name: rewards.name })
      .from(rewards)
      .where(and(eq(rewards.id, opts.rewardId), eq(rewards.merchantId, ctx.merchantId)));
    if (reward) title = reward.name;
  }
  const expiresAt = new Date(now(ctx).getTime() + (opts.ttlDays ?? env.VOUCHER_TTL_DAYS) * DAY);
  for (let attempt = 0; ; attempt++) {
    const [voucher] = await ctx.db
      .insert(vouchers)
      .values({
        id: newId("vch"),
        merchantId: ctx.merchantId,
        cardId: card.id,
        rewardId: opts.rewardId,
        title,
        code: humanCode(),
        nonce: randomString(10),
        entryId: opts.entryId,
        expiresAt,
      })
      .onConflictDoNothing()
      .returning();
    if (voucher) {
      await recordEvents(ctx.db, ctx.merchantId, [
        { type: "voucher.issued", payload: { voucherId: voucher.id, cardId: card.id, rewardId: opts.rewardId, title } },
      ]);
      return voucher;
    }
    if (attempt > 5) throw new Error("could not find a free voucher code");
  }
}
