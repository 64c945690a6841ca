"use server";

import { z } from "zod";
import { dbReady } from "@/db/client";
import { publicAction } from "@/app/_server/action";
import { loadCardView } from "@/lib/cards/view";
import { AppError } from "@/lib/errors";
import { redeemReward } from "@/lib/rewards/redeem";
import { voucherToken } from "@/lib/vouchers/token";
import { qrSvg } from "@/app/(public)/qr";
import { limitCardTraffic } from "@/app/(public)/_public";
import { clientIp } from "@/app/_server/client-ip";

const RedeemFromPage = z.object({ token: z.string().min(16).max(64), rewardId: z.string().min(1).max(64) }).strict();

const redeem = publicAction("card_page.redeem", { input: RedeemFromPage }, async ({ input }) => {
  const db = await dbReady();
  const view = await loadCardView(db, { publicToken: input.token });
  if (!view) throw new AppError("not_found", "This card no longer exists.");
  await limitCardTraffic(await clientIp(), view.card.id, "redeem");
  const { voucher } = await redeemReward(
    { db, merchantId: view.card.merchantId, actor: { type: "customer", id: view.card.customerId }, source: "card_page" },
    { cardId: view.card.id, rewardId: input.rewardId },
  );
  return { id: voucher.id, title: voucher.title, code: voucher.code, expiresAt: voucher.expiresAt.toISOString(), qr: await qrSvg(voucherToken(voucher)) };
});

/** Redeems a reward for the card's holder; the result carries the voucher's QR to show at the counter. */
export async function redeemFromCardPage(input: z.input<typeof RedeemFromPage>) {
  return redeem(input);
}
