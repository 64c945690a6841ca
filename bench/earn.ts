// bench/earn — POST /api/v1/cards/{id}/earn on `next start` against real Postgres (1,000 cards,
// 8 connections), beside a bare two-statement transaction route in the same build, in one run.
import { spawnSync } from "node:child_process";
import autocannon from "autocannon";
import { buildOnce, freshDatabase, ROOT, startServer, writeResult } from "./support/server";

const CARDS = 1000;
const CONNECTIONS = 8;
const ROUND_SECONDS = Number(process.env.BENCH_ROUND_SECONDS ?? 8);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);

type Measure = { requests: number; errors: number; non2xx: number; rps: number; p50: number; p90: number; p99: number };

function load(url: string, headers: Record<string, string>, pathFor: () => string, body?: string): Promise<Measure> {
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url,
        connections: CONNECTIONS,
        duration: ROUND_SECONDS,
        requests: [{ method: "POST", headers, body, setupRequest: (req) => ({ ...req, path: pathFor() }) }],
      },
      (error, result) => {
        if (error) return reject(error);
        resolve({
          requests: result.requests.total,
          errors: result.errors,
          non2xx: result.non2xx,
          rps: result.requests.average,
          p50: result.latency.p50,
          p90: result.latency.p90,
          p99: result.latency.p99,
        });
      },
    );
  });
}

function combine(measures: Measure[]): Measure {
  const sum = (k: keyof Measure) => measures.reduce((s, m) => s + m[k], 0);
  const avg = (k: keyof Measure) => sum(k) / measures.length;
  return { requests: sum("requests"), errors: sum("errors"), non2xx: sum("non2xx"), rps: avg("rps"), p50: avg("p50"), p90: avg("p90"), p99: Math.max(...measures.map((m) => m.p99)) };
}

export async function runEarnBench() {
  buildOnce();
  const db = await freshDatabase("earn");
  const server = await startServer({ port: 3301, databaseUrl: db.url, env: { BENCH_ROUTES: "1", RATE_LIMIT_API_PER_MINUTE: "100000000" } });
  try {
    const cli = spawnSync("npx", ["tsx", "scripts/cli.ts", "merchant", "create", "--name", "Bench Cafe", "--owner", "bench@example.test"], {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...process.env, DATABASE_URL: db.url },
    });
    if (cli.status !== 0) throw new Error(`cli failed: ${cli.stderr}`);
    const key: string = JSON.parse(cli.stdout.slice(cli.stdout.indexOf("{"))).apiKey.key;
    const headers = { authorization: `Bearer ${key}`, "content-type": "application/json" };
    const api = async (path: string, body: unknown) => {
      const res = await fetch(`${server.url}/api/v1${path}`, { method: "POST", headers, body: JSON.stringify(body) });
      if (res.status >= 300) throw new Error(`${path}: ${res.status} ${await res.text()}`);
      return res.json();
    };
    const program = await api("/programs", {
      name: "Bench Points",
      kind: "points",
      rules: { basis: "amount", rate: 1 },
      tiers: { windowDays: 365, levels: [{ name: "Member", threshold: 0 }, { name: "Gold", threshold: 10_000, multiplier: 1.5 }] },
      expiry: { kind: "rolling", days: 365 },
    });
    const cardIds: string[] = [];
    for (let i = 0; i < CARDS; i += 20) {
      const batch = await Promise.all(Array.from({ length: 20 }, (_, j) => api("/cards", { programId: program.id, customer: { email: `b${i + j}@example.test` } })));
      cardIds.push(...batch.map((c: { id: string }) => c.id));
    }
    const pick = () => cardIds[Math.floor(Math.random() * cardIds.length)]!;
    const earnBody = JSON.stringify({ purchase: { amount: 1234, currency: "USD" } });

    // Warm both paths, then alternate rounds so machine noise hits both alike.
    await load(server.url, headers, () => `/api/v1/cards/${pick()}/earn`, earnBody);
    const earn: Measure[] = [];
    const reference: Measure[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      reference.push(await load(server.url, {}, () => `/api/bench/reference?card=${pick()}`));
      earn.push(await load(server.url, headers, () => `/api/v1/cards/${pick()}/earn`, earnBody));
    }
    const e = combine(earn);
    const ref = combine(reference);
    const result = {
      bench: "earn",
      at: new Date().toISOString(),
      setup: { cards: CARDS, connections: CONNECTIONS, roundSeconds: ROUND_SECONDS, rounds: ROUNDS, database: "postgres" },
      earn: e,
      reference: ref,
      ratio: Number((e.rps / ref.rps).toFixed(3)),
      targets: { ratio: 0.8, p99Ms: 50 },
      meets: { ratio: e.rps / ref.rps >= 0.8, p99: e.p99 <= 50 },
    };
    console.log(`earn: ${e.rps.toFixed(0)} req/s p50 ${e.p50} ms p99 ${e.p99} ms | reference: ${ref.rps.toFixed(0)} req/s p99 ${ref.p99} ms | ratio ${result.ratio}`);
    if (e.non2xx || e.errors) console.warn(`earn had ${e.non2xx} non-2xx answers and ${e.errors} errors`);
    writeResult("earn", result);
    return result;
  } finally {
    await server.stop();
    await db.drop();
  }
}
