import { z } from "zod";
import { IssueVoucherInput, issueGoodwillVouchers } from "@/lib/vouchers/goodwill";
import { ListVouchersInput, listVouchers } from "@/lib/vouchers/list";
import { VoucherOut, presentVoucher } from "../../_http/present";
import { apiRoute } from "../../_http/route";

// GET /api/v1/vouchers?cardId=&email=&status=&locationId=&cursor=&limit= — the business's vouchers, newest first
export const GET = apiRoute(
  {
    summary: "List vouchers by card, customer, status or location",
    query: ListVouchersInput,
    response: { status: 200, schema: z.object({ data: z.array(VoucherOut), nextCursor: z.string().nullable() }) },
  },
  async ({ ctx, query }) => {
    const page = await listVouchers(ctx, query);
    return { status: 200, body: { data: page.data.map(presentVoucher), nextCursor: page.nextCursor } };
  },
);

// POST /api/v1/vouchers — give a goodwill voucher to a card or to every card of a saved segment
export const POST = apiRoute(
  {
    summary: "Give a goodwill voucher to a card or a segment",
    scope: "manage",
    body: IssueVoucherInput,
    response: {
      status: 201,
      schema: z.object({
        issued: z.int().describe("Vouchers given by this request."),
        skipped: z.int().describe("Cards of the segment left out: closed, or in another program than the reward's."),
        data: z.array(VoucherOut),
      }),
    },
    errors: [404, 409],
  },
  async ({ ctx, body }) => {
    const { vouchers, skipped } = await issueGoodwillVouchers(ctx, body);
    return { status: 201, body: { issued: vouchers.length, skipped, data: vouchers.map(presentVoucher) } };
  },
);
