// bench/profile — the earn path under `node --cpu-prof`: `next start` (production build) on Postgres,
// earn load at 8 connections, then a summary of where the CPU time went (bench/support/profile-summary.ts).
// The profile is written to .data/profiles/; the summary to the console (bench/results/earn-profile.md
// is written by hand from it).
import fs from "node:fs";
import path from "node:path";
import { measure, referenceTarget, type Target } from "./support/load";
import { summarize } from "./support/profile-summary";
import { buildOnce, freshDatabase, ROOT, startServer } from "./support/server";
import { merchantFor, openShop, randomOf } from "./support/setup";

const SECONDS = Number(process.env.BENCH_PROFILE_SECONDS ?? 40);
/** BENCH_PROFILE_TARGET=reference profiles the bare route instead, to diff against the earn's profile. */
const TARGET = process.env.BENCH_PROFILE_TARGET === "reference" ? "reference" : "earn";

export async function runProfileBench() {
  buildOnce();
  const dir = path.join(ROOT, ".data", "profiles");
  fs.mkdirSync(dir, { recursive: true });
  const before = new Set(fs.readdirSync(dir));
  const db = await freshDatabase("profile");
  const merchant = merchantFor(db.url);
  // Cards are made on a plain server first, so the profile holds the earn load (and its warm-up) only.
  const setup = await startServer({ port: 3309, databaseUrl: db.url, env: { RATE_LIMIT_API_PER_MINUTE: "100000000" } });
  const shop = await openShop(setup.url, merchant, 1000).finally(() => setup.stop());
  const server = await startServer({
    port: 3309,
    databaseUrl: db.url,
    nodeArgs: ["--cpu-prof", `--cpu-prof-dir=${dir}`],
    env: { BENCH_ROUTES: "1", RATE_LIMIT_API_PER_MINUTE: "100000000" },
  });
  try {
    const body = JSON.stringify({ purchase: { amount: 1234, currency: "USD" } });
    const earn: Target = { request: () => ({ path: `/api/v1/cards/${randomOf(shop.cards).id}/earn`, headers: shop.headers, body }) };
    const target = TARGET === "reference" ? referenceTarget(() => randomOf(shop.cards).id) : earn;
    await measure(server.url, target, 8, 3);
    const m = await measure(server.url, target, 8, SECONDS);
    console.log(`profiled ${TARGET}: ${m.rps.toFixed(0)} req/s p99 ${m.p99} ms, ${m.requests} requests over ${SECONDS} s (the profile also holds start-up and a 3 s warm-up)`);
  } finally {
    await server.stop();
    await db.drop();
  }
  for (let i = 0; i < 40; i++) {
    const fresh = fs.readdirSync(dir).filter((f) => !before.has(f) && f.endsWith(".cpuprofile"));
    if (fresh.length) {
      const file = path.join(dir, fresh.sort().at(-1)!);
      console.log(`profile: ${file}`);
      summarize(file, 40, { afterUrl: TARGET === "reference" ? /build_templates_app-route/ : /earn\/route\.js/, skipSeconds: 4 });
      return;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  console.warn("no profile was written (did next start exit cleanly?)");
}
