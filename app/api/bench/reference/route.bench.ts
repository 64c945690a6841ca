import { dbReady } from "@/db/client";
import { benchReferenceWrite } from "@/lib/bench-reference";
import { env } from "@/lib/env";

// POST /api/bench/reference?card={id} — the benchmark's baseline: a bare two-statement transaction
// (update a balance, insert a row) in the same build, with no auth, rules or checks. Compiled only into
// builds made with BENCH_ROUTES=1 (see next.config.ts pageExtensions), and 404 unless BENCH_ROUTES=1 at run time too.
export async function POST(request: Request): Promise<Response> {
  if (!env.BENCH_ROUTES) return new Response(null, { status: 404 });
  const cardId = new URL(request.url).searchParams.get("card") ?? "";
  await benchReferenceWrite(await dbReady(), cardId);
  return Response.json({ ok: true }, { status: 201 });
}
