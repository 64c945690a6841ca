import { enforceRateLimit } from "@/lib/rate-limit";
import { UseVoucherInput, useVoucher } from "@/lib/vouchers/use";
import { presentVoucher } from "../../../_http/present";
import { apiRoute } from "../../../_http/route";

// POST /api/v1/vouchers/redeem — use a voucher by its code or scanned token; succeeds once
export const POST = apiRoute({ body: UseVoucherInput }, async ({ ctx, body }) => {
  await enforceRateLimit("voucherUse", ctx.actor.id);
  return { status: 200, body: { voucher: presentVoucher(await useVoucher(ctx, body)) } };
});
