import { RedeemInput, redeemReward } from "@/lib/rewards/redeem";
import { presentCard, presentEntry, presentVoucher } from "../../../../_http/present";
import { apiRoute } from "../../../../_http/route";

// POST /api/v1/cards/{id}/redemptions — spend points on a reward and get its voucher
export const POST = apiRoute<{ id: string }, typeof RedeemInput>({ body: RedeemInput }, async ({ ctx, params, body }) => {
  const { voucher, entry, card } = await redeemReward(ctx, { cardId: params.id, ...body });
  return { status: 201, body: { voucher: presentVoucher(voucher), entry: presentEntry(entry), card: presentCard(card) } };
});
