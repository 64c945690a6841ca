import { sql } from "drizzle-orm";
import { dbReady } from "@/db/client";
import { env } from "@/lib/env";
import { newId } from "@/lib/ids";

// POST /api/bench/reference?card={id} — the benchmark's baseline: a bare two-statement transaction
// (update a balance, insert a row) in the same build, with no auth, rules or checks. Compiled only into
// builds made with BENCH_ROUTES=1 (see next.config.ts pageExtensions), and 404 unless BENCH_ROUTES=1 at run time too.
export async function POST(request: Request): Promise<Response> {
  if (!env.BENCH_ROUTES) return new Response(null, { status: 404 });
  const cardId = new URL(request.url).searchParams.get("card") ?? "";
  const db = await dbReady();
  await db.transaction(async (tx) => {
    await tx.execute(sql`update cards set balance = balance + 1 where id = ${cardId}`);
    await tx.execute(
      sql`insert into audit_log (id, merchant_id, actor_type, action, target_type, target_id) values (${newId("aud")}, 'bench', 'system', 'bench.reference', 'card', ${cardId})`,
    );
  });
  return Response.json({ ok: true }, { status: 201 });
}
