import { enforceRateLimit } from "@/lib/rate-limit";
import { RedeemVoucherInput, redeemVoucher } from "@/lib/vouchers/redeem";
import { presentVoucher } from "../../../_http/present";
import { apiRoute } from "../../../_http/route";

// POST /api/v1/vouchers/redeem — use a voucher by its code or scanned token; succeeds once
export const POST = apiRoute({ body: RedeemVoucherInput }, async ({ ctx, body }) => {
  await enforceRateLimit("voucherUse", ctx.actor.id);
  return { status: 200, body: { voucher: presentVoucher(await redeemVoucher(ctx, body)) } };
});
