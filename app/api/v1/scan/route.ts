import { z } from "zod";
import { ScanInput, scan } from "@/lib/cards/read";
import { enforceRateLimit } from "@/lib/rate-limit";
import { CardOut, VoucherOut, presentCard, presentVoucher } from "../../_http/present";
import { apiRoute } from "../../_http/route";

// POST /api/v1/scan — what a scanned QR is: a card, or a voucher and its card
export const POST = apiRoute(
  {
    summary: "Identify a scanned card or voucher QR",
    // Reads only: a till that may only look cards up can scan them.
    scope: "read",
    body: ScanInput,
    response: {
      status: 200,
      schema: z.discriminatedUnion("kind", [z.object({ kind: z.literal("card"), card: CardOut }), z.object({ kind: z.literal("voucher"), card: CardOut, voucher: VoucherOut })]),
    },
    errors: [404, 410],
  },
  async ({ ctx, body }) => {
    await enforceRateLimit("scan", ctx.actor.id);
    const found = await scan(ctx, body.token);
    if (found.kind === "card") return { status: 200, body: { kind: "card" as const, card: presentCard(found.card) } };
    return { status: 200, body: { kind: "voucher" as const, card: presentCard(found.card), voucher: presentVoucher(found.voucher) } };
  },
);
