// bench/earn — POST /api/v1/cards/{id}/earn on `next start` against real Postgres (1,000 cards) beside
// the bare two-statement transaction route of the same build, interleaved round by round, at 8 and 32
// connections. `earn-pglite` runs the same against the embedded database (bench/results/earn-pglite.json);
// `earn-keyed` sends every earn with an Idempotency-Key of its own, as a POS integration does
// (bench/results/earn-keyed.json). `earn-limits` sends the plain earn to a server whose rate limits go
// to Upstash (the REST stand-in over Redis, in its own process), as every instance of a deployment with
// more than one does (bench/results/earn-limits.json). `earn-designed` earns on a program whose pass has
// its logo and strip written inline as data URLs, as the dashboard's design editor stores them
// (bench/results/earn-designed.json).
import { randomBytes, randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { cpuLine, interleaved, machine, referenceTarget, ROUND_SECONDS, ROUNDS, measure, type Target } from "./support/load";
import { buildOnce, freshDatabase, startServer, writeResult } from "./support/server";
import { startUpstashProcess } from "./support/upstash-process";
import { merchantFor, openShop, POINTS_PROGRAM, randomOf } from "./support/setup";

// BENCH_CARDS: more cards, fewer requests in flight on one card (at 32 connections and 1,000 cards
// about one in thirty shares its card with another; an unlocked earn that loses that race tries again).
const CARDS = Number(process.env.BENCH_CARDS ?? 1000);
const LEVELS = (process.env.BENCH_CONNECTIONS ?? "8,32").split(",").map(Number);
const TARGETS = { ratio: 0.8, p99Ms: { 8: 50, 32: 100 } as Record<number, number> };

export async function runEarnBench() {
  return runEarn("postgres");
}

export async function runEarnPgliteBench() {
  return runEarn("pglite");
}

export async function runEarnKeyedBench() {
  return runEarn("postgres", { keyed: true });
}

export async function runEarnLimitsBench() {
  return runEarn("postgres", { upstash: true });
}

export async function runEarnDesignedBench() {
  return runEarn("postgres", { designed: true });
}

/** A PNG data URL of about `bytes` (a PNG signature, then noise: what a photo compresses to). */
function inlineImage(bytes: number): string {
  return `data:image/png;base64,${Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(bytes)]).toString("base64")}`;
}

/** The bench's points program with a designed pass: a ~110 KB logo and a ~270 KB strip, inline (within PassDesign's limits). */
const DESIGNED_PROGRAM = {
  ...POINTS_PROGRAM,
  design: { backgroundColor: "#0f3d3e", foregroundColor: "#ffffff", labelColor: "#cde7e0", logoText: "Bench Café", logoUrl: inlineImage(110_000), stripUrl: inlineImage(270_000) },
};

async function runEarn(database: "postgres" | "pglite", { keyed = false, upstash = false, designed = false } = {}) {
  buildOnce();
  const pgliteDir = database === "pglite" ? fs.mkdtempSync(path.join(os.tmpdir(), "keepcard-bench-pglite-")) : null;
  const db = pgliteDir ? { url: "", drop: async () => fs.rmSync(pgliteDir, { recursive: true, force: true }) } : await freshDatabase("earn");
  const dbEnv: Record<string, string> = pgliteDir ? { DATABASE_URL: "", PGLITE_DIR: path.join(pgliteDir, "db") } : {};
  const merchant = merchantFor(db.url, dbEnv);
  const limits = upstash ? await startUpstashProcess() : null;
  const limitsEnv: Record<string, string> = limits ? { UPSTASH_REDIS_REST_URL: limits.url, UPSTASH_REDIS_REST_TOKEN: limits.token } : {};
  const server = await startServer({ port: 3301, databaseUrl: db.url, env: { ...dbEnv, ...limitsEnv, BENCH_ROUTES: "1", RATE_LIMIT_API_PER_MINUTE: "100000000" } });
  try {
    const shop = await openShop(server.url, merchant, CARDS, designed ? DESIGNED_PROGRAM : POINTS_PROGRAM);
    const pick = () => randomOf(shop.cards).id;
    const earnBody = JSON.stringify({ purchase: { amount: 1234, currency: "USD" } });
    const earn: Target = {
      request: () => ({ path: `/api/v1/cards/${pick()}/earn`, headers: keyed ? { ...shop.headers, "idempotency-key": randomUUID() } : shop.headers, body: earnBody }),
    };
    const reference = referenceTarget(pick);
    const levels = pgliteDir ? [8] : LEVELS;

    await measure(server.url, earn, 8, 4); // warm both paths
    await measure(server.url, reference, 8, 2);
    const results = [];
    for (const connections of levels) {
      const r = await interleaved(server.url, reference, earn, connections, undefined, server.cpuSeconds);
      const p99Target = TARGETS.p99Ms[connections];
      results.push({ ...r, meets: { ratio: r.ratio >= TARGETS.ratio, p99: p99Target === undefined ? null : r.subject.p99 <= p99Target } });
      console.log(
        `earn@${connections}: ${r.subject.rps} req/s p50 ${r.subject.p50} ms p99 ${r.subject.p99} ms | reference ${r.reference.rps} req/s p99 ${r.reference.p99} ms | ratio ${r.ratio} (rounds ${r.roundRatios.join(", ")})${cpuLine(r)}`,
      );
      if (r.subject.non2xx || r.subject.errors) console.warn(`earn had ${r.subject.non2xx} non-2xx answers and ${r.subject.errors} errors`);
    }
    const name = pgliteDir ? "earn-pglite" : keyed ? "earn-keyed" : upstash ? "earn-limits" : designed ? "earn-designed" : "earn";
    const result = {
      bench: name,
      at: new Date().toISOString(),
      note: "Measured on a 2-core machine (machine.loadAverageAtStart says how busy it was): absolute req/s are not comparable between runs; the ratio against the reference measured interleaved in the same run is what counts. Medians over rounds.",
      setup: {
        cards: CARDS,
        database,
        idempotencyKey: keyed ? "a new one per request" : "none",
        program: designed ? "points, its pass designed with a ~110 KB logo and a ~270 KB strip inline (data URLs)" : "points, default pass design",
        rateLimits: upstash ? "Upstash REST stand-in (tests/support/upstash-fake.ts over Redis) in its own process; the API key's limit taken in leases (lib/rate-limit/lease.ts)" : "in process",
        roundSeconds: ROUND_SECONDS,
        rounds: ROUNDS,
        order: "reference, earn, reference, earn, …",
        build: "next build, next start (production)",
      },
      machine: machine(),
      levels: results,
      targets: TARGETS,
    };
    writeResult(name, result);
    return result;
  } finally {
    await server.stop();
    await limits?.stop();
    await db.drop();
  }
}
