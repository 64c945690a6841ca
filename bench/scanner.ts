// bench/scanner — the counter's path, look up a scanned card QR and then earn on it, as
// app/staff/actions.ts does (lookupAction, then earnAction with its idempotency key), through the
// bench-only route POST /api/bench/scanner, beside the bare two-statement transaction route of the
// same build, interleaved, at 8 and 32 connections, on Postgres.
import { randomUUID } from "node:crypto";
import { cpuLine, interleaved, machine, measure, referenceTarget, ROUND_SECONDS, ROUNDS, type Target } from "./support/load";
import { buildOnce, freshDatabase, startServer, writeResult } from "./support/server";
import { merchantFor, openShop, randomOf } from "./support/setup";

const CARDS = 1000;
const LEVELS = (process.env.BENCH_CONNECTIONS ?? "8,32").split(",").map(Number);

export async function runScannerBench() {
  buildOnce();
  const db = await freshDatabase("scanner");
  const merchant = merchantFor(db.url);
  const server = await startServer({ port: 3302, databaseUrl: db.url, env: { BENCH_ROUTES: "1", RATE_LIMIT_API_PER_MINUTE: "100000000" } });
  try {
    const shop = await openShop(server.url, merchant, CARDS);
    const scan: Target = {
      request: () => ({
        path: "/api/bench/scanner",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ merchantId: merchant.merchantId, code: randomOf(shop.cards).qrToken, amount: 1234, key: randomUUID() }),
      }),
    };
    const reference = referenceTarget(() => randomOf(shop.cards).id);
    await measure(server.url, scan, 8, 4);
    await measure(server.url, reference, 8, 2);
    const levels = [];
    for (const connections of LEVELS) {
      const r = await interleaved(server.url, reference, scan, connections, undefined, server.cpuSeconds);
      levels.push({ ...r, meets: { ratio: r.ratio >= 0.8 } });
      console.log(`scanner@${connections}: ${r.subject.rps} scans/s p99 ${r.subject.p99} ms | reference ${r.reference.rps} req/s | ratio ${r.ratio} (rounds ${r.roundRatios.join(", ")})${cpuLine(r)}`);
      if (r.subject.non2xx || r.subject.errors) console.warn(`scanner had ${r.subject.non2xx} non-2xx answers and ${r.subject.errors} errors`);
    }
    const result = {
      bench: "scanner",
      at: new Date().toISOString(),
      note: "Measured on a 2-core machine (machine.loadAverageAtStart says how busy it was): the ratio against the reference measured interleaved in the same run is what counts. Medians over rounds. One request = one scan: QR lookup (signature check, card view) then the counter earn (earnOnce: the card read, the card view its answer is made from, one statement with the idempotency key, its answer and the entry). The server action's session lookup is not included.",
      setup: { cards: CARDS, database: "postgres", roundSeconds: ROUND_SECONDS, rounds: ROUNDS },
      machine: machine(),
      levels,
      targets: { ratio: 0.8 },
    };
    writeResult("scanner", result);
    return result;
  } finally {
    await server.stop();
    await db.drop();
  }
}
