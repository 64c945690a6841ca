import { z } from "zod";
import { scan } from "@/lib/cards/read";
import { enforceRateLimit } from "@/lib/rate-limit";
import { presentCard, presentVoucher } from "../../_http/present";
import { apiRoute } from "../../_http/route";

export const ScanInput = z.object({ token: z.string().min(10).max(1000) }).strict();

// POST /api/v1/scan — what a scanned QR is: a card, or a voucher and its card
export const POST = apiRoute({ body: ScanInput }, async ({ ctx, body }) => {
  await enforceRateLimit("scan", ctx.actor.id);
  const found = await scan(ctx, body.token);
  return {
    status: 200,
    body: found.kind === "card" ? { kind: "card", card: presentCard(found.card) } : { kind: "voucher", card: presentCard(found.card), voucher: presentVoucher(found.voucher) },
  };
});
