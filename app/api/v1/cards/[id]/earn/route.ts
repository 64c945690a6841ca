import { z } from "zod";
import { EarnInput, earn, quickEarnInput } from "@/lib/ledger/earn";
import { CardOut, EntryOut, VoucherOut, presentCard, presentEntry, presentVoucher } from "../../../../_http/present";
import { apiRoute } from "../../../../_http/route";

// POST /api/v1/cards/{id}/earn — award points for a purchase or visit, stamps, or cashback
export const POST = apiRoute(
  {
    summary: "Award points, stamps or cashback",
    scope: "earn",
    params: ["id"],
    body: EarnInput,
    quickBody: quickEarnInput,
    response: { status: 201, schema: z.object({ entry: EntryOut, card: CardOut, vouchers: z.array(VoucherOut) }) },
    errors: [404, 409],
    atomicVerb: true,
  },
  async ({ ctx, params, body }) => {
    const { entry, card, vouchers } = await earn(ctx, { cardId: params.id, ...body });
    return { status: 201, body: { entry: presentEntry(entry), card: presentCard(card), vouchers: vouchers.map(presentVoucher) } };
  },
);
