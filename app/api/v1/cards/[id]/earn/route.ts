import { EarnInput, earn } from "@/lib/ledger/earn";
import { presentCard, presentEntry, presentVoucher } from "../../../../_http/present";
import { apiRoute } from "../../../../_http/route";

// POST /api/v1/cards/{id}/earn — award points for a purchase or visit, stamps, or cashback
export const POST = apiRoute<{ id: string }, typeof EarnInput>({ body: EarnInput }, async ({ ctx, params, body }) => {
  const { entry, card, vouchers } = await earn(ctx, { cardId: params.id, ...body });
  return { status: 201, body: { entry: presentEntry(entry), card: presentCard(card), vouchers: vouchers.map(presentVoucher) } };
});
