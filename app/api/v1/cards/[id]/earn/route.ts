import { z } from "zod";
import { EarnInput, earn, earnOnce, quickEarnInput, type EarnAnswered } from "@/lib/ledger/earn";
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
    claimsKey: true,
  },
  async ({ ctx, params, body, keyed }) => {
    const answer = async (_ctx: unknown, { entry, card, vouchers }: EarnAnswered) => ({
      status: 201 as const,
      body: { entry: presentEntry(entry), card: presentCard(card), vouchers: vouchers.map(presentVoucher) },
    });
    const earned = { cardId: params.id, ...body };
    if (keyed) return earnOnce(ctx, earned, keyed, answer);
    return answer(ctx, await earn(ctx, earned));
  },
);
