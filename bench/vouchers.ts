// bench/vouchers — POST /api/v1/vouchers/redeem (by code, each voucher once) on `next start` against
// Postgres, beside the bare two-statement transaction route of the same build, interleaved, at 8 and
// 32 connections. The vouchers are inserted up front; every request uses a fresh one.
import postgres from "postgres";
import { cpuLine, interleaved, machine, measure, referenceTarget, ROUND_SECONDS, ROUNDS, type Target } from "./support/load";
import { buildOnce, freshDatabase, startServer, writeResult } from "./support/server";
import { merchantFor, openShop, randomOf } from "./support/setup";

const CARDS = 200;
const VOUCHERS = Number(process.env.BENCH_VOUCHERS ?? 60_000);
const LEVELS = (process.env.BENCH_CONNECTIONS ?? "8,32").split(",").map(Number);

export async function runVouchersBench() {
  buildOnce();
  const db = await freshDatabase("vouchers");
  const merchant = merchantFor(db.url);
  // The per-cashier voucher limit (30 a minute) would refuse a benchmark at once: limits are off here
  // (the in-process limiter costs a map lookup; bench/earn keeps it on).
  const server = await startServer({ port: 3303, databaseUrl: db.url, env: { BENCH_ROUTES: "1", RATE_LIMIT_DISABLED: "1" } });
  try {
    const shop = await openShop(server.url, merchant, CARDS);
    const codes = await insertVouchers(db.url, merchant.merchantId, shop.cards.map((c) => c.id), VOUCHERS);
    let next = 0;
    let exhausted = false;
    const redeem: Target = {
      request: () => {
        if (next >= codes.length) exhausted = true;
        return { path: "/api/v1/vouchers/redeem", headers: shop.headers, body: JSON.stringify({ code: codes[next++ % codes.length] }) };
      },
    };
    const reference = referenceTarget(() => randomOf(shop.cards).id);
    await measure(server.url, redeem, 8, 2);
    await measure(server.url, reference, 8, 2);
    const levels = [];
    for (const connections of LEVELS) {
      const r = await interleaved(server.url, reference, redeem, connections, undefined, server.cpuSeconds);
      levels.push({ ...r, meets: { ratio: r.ratio >= 0.8 } });
      console.log(`vouchers@${connections}: ${r.subject.rps} req/s p99 ${r.subject.p99} ms | reference ${r.reference.rps} req/s | ratio ${r.ratio} (rounds ${r.roundRatios.join(", ")})${cpuLine(r)}`);
      if (r.subject.non2xx || r.subject.errors) console.warn(`redeem had ${r.subject.non2xx} non-2xx answers and ${r.subject.errors} errors`);
    }
    if (exhausted) console.warn("ran out of vouchers: later answers were 409 already_redeemed; raise BENCH_VOUCHERS");
    const result = {
      bench: "vouchers",
      at: new Date().toISOString(),
      note: "Measured on a 2-core machine (machine.loadAverageAtStart says how busy it was): the ratio against the reference measured interleaved in the same run is what counts. Medians over rounds. Rate limits off (RATE_LIMIT_DISABLED=1): the voucher limit is 30 a minute per key.",
      setup: { cards: CARDS, vouchers: VOUCHERS, redeemedBy: "code", database: "postgres", roundSeconds: ROUND_SECONDS, rounds: ROUNDS, vouchersRanOut: exhausted },
      machine: machine(),
      levels,
      targets: { ratio: 0.8 },
    };
    writeResult("vouchers", result);
    return result;
  } finally {
    await server.stop();
    await db.drop();
  }
}

async function insertVouchers(url: string, merchantId: string, cardIds: string[], count: number): Promise<string[]> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  const codes: string[] = [];
  const expires = new Date(Date.now() + 30 * 86_400_000);
  try {
    for (let start = 0; start < count; start += 5000) {
      const rows = Array.from({ length: Math.min(5000, count - start) }, (_, j) => {
        const n = String(start + j).padStart(7, "0");
        const code = `B${n.slice(0, 3)}-${n.slice(3)}`;
        codes.push(code);
        return { id: `vou_bench${start + j}`, merchant_id: merchantId, card_id: cardIds[(start + j) % cardIds.length]!, title: "Bench coffee", code, nonce: `n${start + j}`, expires_at: expires };
      });
      await sql`insert into vouchers ${sql(rows, "id", "merchant_id", "card_id", "title", "code", "nonce", "expires_at")}`.catch(async (e: Error) => {
        throw new Error(`inserting vouchers: ${e.message}`);
      });
    }
  } finally {
    await sql.end();
  }
  return codes;
}
