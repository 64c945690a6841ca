import { z } from "zod";
import { enforceRateLimit } from "@/lib/rate-limit";
import { RedeemVoucherInput, quickRedeemVoucherInput, redeemVoucher } from "@/lib/vouchers/redeem";
import { VoucherOut, presentVoucher } from "../../../_http/present";
import { apiRoute } from "../../../_http/route";

// POST /api/v1/vouchers/redeem — use a voucher by its code or scanned token; succeeds once
export const POST = apiRoute(
  { summary: "Use a voucher (once)", scope: "redeem", body: RedeemVoucherInput, quickBody: quickRedeemVoucherInput, atomicVerb: true, response: { status: 200, schema: z.object({ voucher: VoucherOut }) }, errors: [404, 409, 410] },
  async ({ ctx, body }) => {
    await enforceRateLimit("voucherUse", ctx.actor.id);
    return { status: 200, body: { voucher: presentVoucher(await redeemVoucher(ctx, body)) } };
  },
);
