// bench/alloc — what an earn allocates, against the bare route on the same server: the production
// build (`next start`) on Postgres with --trace-gc and the inspector, 1,000 cards, each target at
// BENCH_ALLOC_CONNECTIONS (32) for BENCH_ALLOC_SECONDS (20) under the sampling heap profiler with the
// collected objects kept (one sample per ~32 KB allocated, whether it died young or not). Prints the
// bytes allocated per request by allocation site, and the collections per thousand requests from the
// server's --trace-gc lines. The console is the output (a tool for finding work, like bench/profile).
import { measure, referenceTarget, type Target } from "./support/load";
import { memoryAfterGc, openInspector, retainedSites, writeHeapSnapshot } from "./support/inspector";
import { buildOnce, freshDatabase, startServer } from "./support/server";
import { merchantFor, openShop, randomOf } from "./support/setup";

const SECONDS = Number(process.env.BENCH_ALLOC_SECONDS ?? 20);
const CONNECTIONS = Number(process.env.BENCH_ALLOC_CONNECTIONS ?? 32);
/** BENCH_ALLOC_PROMOTED=1 keeps only what outlived the young generation: what each request leaves to the old one. */
const PROMOTED = process.env.BENCH_ALLOC_PROMOTED === "1";
const TARGETS = (process.env.BENCH_ALLOC_TARGETS ?? "earn,reference").split(",");
/** BENCH_ALLOC_SNAPSHOT=<file>: a heap snapshot of the server after the load (bench/support/heap-diff.ts reads it). */
const SNAPSHOT = process.env.BENCH_ALLOC_SNAPSHOT;
const INSPECT_PORT = 32055;

type Collections = { scavenges: number; markCompacts: number; scavengeMs: number; markCompactMs: number };

/** Counts the --trace-gc lines in `log` (the server's output between two points). */
function collections(log: string): Collections {
  const c: Collections = { scavenges: 0, markCompacts: 0, scavengeMs: 0, markCompactMs: 0 };
  for (const line of log.split("\n")) {
    const ms = Number(/MB, ([\d.]+) \//.exec(line)?.[1] ?? 0);
    if (line.includes("Scavenge")) {
      c.scavenges++;
      c.scavengeMs += ms;
    } else if (line.includes("Mark-Compact")) {
      c.markCompacts++;
      c.markCompactMs += ms;
    }
  }
  return c;
}

export async function runAllocBench() {
  buildOnce();
  const db = await freshDatabase("alloc");
  const merchant = merchantFor(db.url);
  const setup = await startServer({ port: 3310, databaseUrl: db.url, env: { RATE_LIMIT_API_PER_MINUTE: "100000000" } });
  const shop = await openShop(setup.url, merchant, 1000).finally(() => setup.stop());
  const server = await startServer({
    port: 3310,
    databaseUrl: db.url,
    nodeArgs: ["--trace-gc", `--inspect=127.0.0.1:${INSPECT_PORT}`],
    env: { BENCH_ROUTES: "1", RATE_LIMIT_API_PER_MINUTE: "100000000" },
  });
  const inspector = await openInspector(INSPECT_PORT);
  try {
    const body = JSON.stringify({ purchase: { amount: 1234, currency: "USD" } });
    const targets: Record<string, Target> = {
      earn: { request: () => ({ path: `/api/v1/cards/${randomOf(shop.cards).id}/earn`, headers: shop.headers, body }) },
      reference: referenceTarget(() => randomOf(shop.cards).id),
    };
    for (const name of TARGETS) {
      const target = targets[name];
      if (!target) throw new Error(`unknown target ${name}; known: ${Object.keys(targets).join(", ")}`);
      await measure(server.url, target, CONNECTIONS, 5);
      await inspector.call("HeapProfiler.enable");
      await inspector.call("HeapProfiler.startSampling", { samplingInterval: 32768, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: !PROMOTED });
      const logFrom = server.output().length;
      const m = await measure(server.url, target, CONNECTIONS, SECONDS);
      const gc = collections(server.output().slice(logFrom));
      const { profile } = await inspector.call<{ profile: Parameters<typeof retainedSites>[0] }>("HeapProfiler.stopSampling");
      const { totalKb, sites } = await retainedSites(profile, 25);
      const perK = (n: number) => ((n * 1000) / m.requests).toFixed(1);
      console.log(`\n${name}: ${m.rps.toFixed(0)} req/s, p99 ${m.p99} ms, ${m.requests} requests at ${CONNECTIONS} connections over ${SECONDS} s`);
      console.log(`  ${PROMOTED ? "promoted" : "allocated"} ${((totalKb * 1024) / m.requests / 1024).toFixed(1)} KB per request (sampled)`);
      console.log(`  per 1,000 requests: ${perK(gc.scavenges)} scavenges (${perK(gc.scavengeMs)} ms), ${perK(gc.markCompacts)} mark-compacts (${perK(gc.markCompactMs)} ms)`);
      for (const s of sites) console.log(`  ${((s.kb * 1024) / m.requests).toFixed(0).padStart(7)} B  ${s.where}\n             ${s.stack.slice(1, 5).join(" ← ")}`);
    }
    // What stays alive between requests: every collection marks it (V8's spaces after two full collections).
    console.log("\nafter the load, two full collections:", await memoryAfterGc(inspector));
    const spaces = await inspector.call<{ result: { value: string } }>("Runtime.evaluate", {
      expression: `JSON.stringify(process.mainModule.require("v8").getHeapSpaceStatistics().map((s) => [s.space_name, Math.round(s.space_used_size / 1048576)]))`,
      returnByValue: true,
    });
    console.log("MB used per space:", spaces.result.value);
    if (SNAPSHOT) await writeHeapSnapshot(inspector, SNAPSHOT);
  } finally {
    await inspector.close();
    await server.stop();
    await db.drop();
  }
}
