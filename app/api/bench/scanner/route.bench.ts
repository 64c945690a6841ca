import { dbReady } from "@/db/client";
import type { Ctx } from "@/lib/context";
import { counterEarnAnswer, lookupCode } from "@/lib/cards/lookup";
import { env } from "@/lib/env";
import { requestHash } from "@/lib/idempotency";
import { earnOnce } from "@/lib/ledger/earn";
import { enforceRateLimit } from "@/lib/rate-limit";
import { json, problemResponse } from "../../_http/problem";

// POST /api/bench/scanner {merchantId, code, amount, key} — the scanner's counter path for `npm run
// bench -- scanner`: look the scanned QR up, then earn, with the verbs and in the order of
// app/staff/actions.ts (lookupAction, then earnAction). No session: a fixed cashier of `merchantId`.
// The limiter is still consulted (with a bench-sized limit). Compiled only into builds made with
// BENCH_ROUTES=1 (next.config.ts pageExtensions), and 404 unless BENCH_ROUTES=1 at run time too.
const BENCH_LIMIT = { limit: 1_000_000_000, windowSeconds: 60 };

export async function POST(request: Request): Promise<Response> {
  if (!env.BENCH_ROUTES) return new Response(null, { status: 404 });
  try {
    const input = (await request.json()) as { merchantId: string; code: string; amount: number; key: string };
    const ctx: Ctx = { db: await dbReady(), merchantId: input.merchantId, actor: { type: "user", id: "bench-cashier", role: "staff" }, source: "scanner" };
    // lookupAction
    await enforceRateLimit("scan", ctx.actor.id, BENCH_LIMIT);
    const found = await lookupCode(ctx, { code: input.code });
    // earnAction
    await enforceRateLimit("scan", ctx.actor.id, BENCH_LIMIT);
    // The scanner sends the currency of the card it looked up with the amount (app/staff/scanner.tsx).
    const cardId = found.card.cardId;
    const earnInput = { cardId, idempotencyKey: input.key, purchaseAmount: input.amount, currency: found.card.currency };
    const { body } = await earnOnce(ctx, { cardId, purchase: { amount: input.amount, currency: earnInput.currency } }, { key: `scanner:${input.key}`, hash: requestHash(["earn", earnInput]) }, counterEarnAnswer);
    return json(200, { lookup: found, earn: body });
  } catch (error) {
    return problemResponse(error);
  }
}
