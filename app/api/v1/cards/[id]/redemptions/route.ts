import { z } from "zod";
import { RedeemInput, redeemReward } from "@/lib/rewards/redeem";
import { CardOut, EntryOut, VoucherOut, presentCard, presentEntry, presentVoucher } from "../../../../_http/present";
import { apiRoute } from "../../../../_http/route";

// POST /api/v1/cards/{id}/redemptions — spend points on a reward and get its voucher
export const POST = apiRoute(
  {
    summary: "Redeem a reward for a voucher",
    scope: "redeem",
    params: ["id"],
    body: RedeemInput,
    response: { status: 201, schema: z.object({ voucher: VoucherOut, entry: EntryOut, card: CardOut }) },
    errors: [404, 409],
  },
  async ({ ctx, params, body }) => {
    const { voucher, entry, card } = await redeemReward(ctx, { cardId: params.id, ...body });
    return { status: 201, body: { voucher: presentVoucher(voucher), entry: presentEntry(entry), card: presentCard(card) } };
  },
);
