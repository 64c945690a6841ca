import { z } from "zod";
import { VoidVoucherInput, voidVoucher } from "@/lib/vouchers/void";
import { VoucherOut, presentVoucher } from "../../../../_http/present";
import { apiRoute } from "../../../../_http/route";

// POST /api/v1/vouchers/{id}/void — cancel an unused voucher (a used one is 409)
export const POST = apiRoute(
  {
    summary: "Cancel a voucher that was not used",
    scope: "manage",
    params: ["id"],
    body: VoidVoucherInput,
    response: { status: 200, schema: z.object({ voucher: VoucherOut }) },
    errors: [404, 409],
  },
  async ({ ctx, params, body }) => {
    return { status: 200, body: { voucher: presentVoucher(await voidVoucher(ctx, { voucherId: params.id, ...body })) } };
  },
);
