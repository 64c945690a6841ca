// bench/soak — earn at 70 % of the maximum earn rate measured in the same run, for SOAK_SECONDS (600 by
// default), against `next start` (production build, Postgres, rate limits through the Upstash REST
// stand-in over Redis) with the background jobs running: the outbox sends events to the Inngest stand-in
// (bench/support/inngest-executor.ts), which calls the app's /api/inngest to run the functions they
// trigger, and its every-minute outbox sweep. Recorded: errors (non-2xx, socket errors, failed job runs,
// errors in the server's log, events left undispatched), the server's resident memory sampled from
// /proc every SOAK_SAMPLE_SECONDS, its memory after a full garbage collection (forced through its
// inspector) every SOAK_GC_SECONDS, and per minute the answers and their p50/p99.
// Each card earns at most 4 times (cards are added in SQL as the rate needs them): the fraud rules
// hold a card that earns more than 5 times in an hour, and a held card answers 409, rightly.
import { generateKeyPairSync, randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import postgres from "postgres";
import { startInngestExecutor } from "./support/inngest-executor";
import { machine, measure, requestOf, type Target } from "./support/load";
import { cardPool } from "./support/card-pool";
import { memoryAfterGc, openInspector, retainedSinceSampling, startHeapSampling, writeHeapSnapshot, type AfterGc, type InspectorSession, type RetainedSite } from "./support/inspector";
import { groupRss, slope } from "./support/memory";
import { autovacuumOn } from "./support/postgres-state";
import { ADMIN_URL, buildOnce, freshDatabase, percentile, startServer, writeResult } from "./support/server";
import { merchantFor, openShop } from "./support/setup";
import { startUpstashProcess } from "./support/upstash-process";

const PORT = 32053;
const INSPECT_PORT = 32054;
const GC_SECONDS = Number(process.env.SOAK_GC_SECONDS ?? 120);
const EARNS_PER_CARD = 4;
const SOAK_SECONDS = Number(process.env.SOAK_SECONDS ?? 600);
const SAMPLE_SECONDS = Number(process.env.SOAK_SAMPLE_SECONDS ?? 5);
const SHARE = Number(process.env.SOAK_SHARE ?? 0.7);
const MAX_LEVELS = (process.env.SOAK_MAX_CONNECTIONS ?? "8,16,32").split(",").map(Number);
const MAX_SECONDS = Number(process.env.SOAK_MAX_SECONDS ?? 8);
const CONNECTIONS = Number(process.env.SOAK_CONNECTIONS ?? 32);
const API_CARDS = 20;
// Growth allowed over the last eight minutes (or the last 80 % of a shorter run).
const TARGET = { rssGrowthMb: 5, errors: 0 };
// SOAK_HEAP_SAMPLING=1: the sampling heap profiler over the window, which names where what the heap
// kept was allocated. A diagnostic, off by default: its own records grow the resident set it is
// measuring (+5.6 MB over a window with it, -0.6 MB without, same code, bench/results/soak*.json).
const HEAP_SAMPLING = process.env.SOAK_HEAP_SAMPLING === "1";
// SOAK_HEAP_SNAPSHOTS=1: a heap snapshot at the start and the end of the window (in the temp
// folder; compare them with bench/support/heap-diff.ts). Each pauses the server for seconds.
const HEAP_SNAPSHOTS = process.env.SOAK_HEAP_SNAPSHOTS === "1";
// Next keeps each request path it has resolved in an LRU of 8 MB by its own count (128 B + the path
// per entry: next/dist/server/lib/router-utils/filesystem.js), and every card has its own earn URL,
// so a fresh server's heap takes up to that much as new cards come. A server that has been running
// has it full; the soak fills it before its window with requests for distinct paths that the API
// refuses at once (401, no key), and records the heap after a collection before and after. (First
// run: 129.7 -> 127.2 MB across 60,000 paths, so that cache is not what grows in the window.)
const WARM_PATHS = Number(process.env.SOAK_WARM_PATHS ?? 60_000);
// Earns at the soak's rate before its ten minutes, as on a server that has been serving them: the
// caches an earn fills (Next's path LRU turning over to new cards, the QR-token cache, one prepared
// statement per query text and connection, malloc's arenas at the peak of requests in flight) grow
// in the first minutes at a new rate and then stay level. Without it a run at ~310 earns/s counted
// that as growth: +8.7 MB in its minutes 2-4, +2.3 MB over minutes 4-10 (SOAK_RATE_WARMUP_SECONDS=0
// measures that way again). Errors in it count like errors in the soak.
const RATE_WARMUP_SECONDS = Number(process.env.SOAK_RATE_WARMUP_SECONDS ?? 180);

type Sample = { t: number; rssMb: Record<string, number>; totalMb: number; load1: number; cpuSeconds: number };

export async function runSoakBench() {
  buildOnce();
  const startedMachine = machine();
  const signingKey = `signkey-test-${randomBytes(32).toString("hex")}`;
  const executor = await startInngestExecutor({ signingKey, concurrency: 8 });
  const upstash = await startUpstashProcess();
  const autovacuum = await autovacuumOn(ADMIN_URL);
  const database = await freshDatabase("soak");
  const merchant = merchantFor(database.url);
  const server = await startServer({
    port: PORT,
    databaseUrl: database.url,
    nodeArgs: [`--inspect=127.0.0.1:${INSPECT_PORT}`, ...(process.env.SOAK_NODE_ARGS ? process.env.SOAK_NODE_ARGS.split(" ") : [])],
    env: {
      RATE_LIMIT_API_PER_MINUTE: "100000000",
      UPSTASH_REDIS_REST_URL: upstash.url,
      UPSTASH_REDIS_REST_TOKEN: upstash.token,
      TOKEN_SIGNING_KEY: generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
      // Background jobs as in production: an event key to send, a signing key to check Inngest's calls.
      INNGEST_BASE_URL: executor.url,
      INNGEST_EVENT_KEY: "bench-event-key",
      INNGEST_SIGNING_KEY: signingKey,
    },
  });
  const sql = postgres(database.url, { max: 1, onnotice: () => {} });
  const inspector = await openInspector(INSPECT_PORT);
  try {
    const functions = await executor.sync(`${server.url}/api/inngest`);
    const shop = await openShop(server.url, merchant, API_CARDS);
    const pool = cardPool(sql, shop, EARNS_PER_CARD);
    const pick = pool.pick;
    await pool.add(5000);
    const earnBody = JSON.stringify({ purchase: { amount: 1234, currency: "USD" } });
    const earn: Target = { request: () => ({ path: `/api/v1/cards/${pick()}/earn`, headers: shop.headers, body: earnBody }) };

    // ── the maximum, in this run ──
    await measure(server.url, earn, 8, 5); // warm up
    const maxRounds = [];
    for (const connections of MAX_LEVELS) {
      const m = await measure(server.url, earn, connections, MAX_SECONDS);
      maxRounds.push({ connections, rps: Number(m.rps.toFixed(1)), p99: m.p99, errors: m.errors, non2xx: m.non2xx, load1: Number(os.loadavg()[0]!.toFixed(2)) });
      console.log(`max@${connections}: ${m.rps.toFixed(1)} req/s p99 ${m.p99} ms`);
    }
    const maxRps = Math.max(...maxRounds.map((r) => r.rps));
    const rate = Math.max(1, Math.round(maxRps * SHARE));
    await pool.ensure(rate * (SOAK_SECONDS + RATE_WARMUP_SECONDS) * 1.1);
    const cardsUsedBeforeSoak = Math.ceil(pool.handedOut() / EARNS_PER_CARD);
    const warmup = await fillPathCache(server.url, inspector);
    console.log(`path cache: ${warmup.paths} distinct paths in ${warmup.seconds} s; heap after GC ${warmup.heapUsedMbBefore} → ${warmup.heapUsedMbAfter} MB`);
    const rateWarmup = RATE_WARMUP_SECONDS > 0 ? await atRate(server.url, earn, rate, RATE_WARMUP_SECONDS) : null;
    if (rateWarmup) console.log(`warm-up at the soak's rate: ${rateWarmup.rps} req/s for ${RATE_WARMUP_SECONDS} s, p99 ${rateWarmup.p99} ms, ${rateWarmup.non2xx + rateWarmup.errors} errors`);
    await executor.idle(120_000).catch(() => {});
    const runsBefore = executor.runs.length;
    const logBefore = server.output().length;
    console.log(`soak: ${rate} req/s (${SHARE * 100} % of ${maxRps}) for ${SOAK_SECONDS} s`);

    // ── the soak ──
    const samples: Sample[] = [];
    const start = Date.now();
    const sample = () => {
      const rssMb = groupRss(server.pid);
      samples.push({ t: Number(((Date.now() - start) / 1000).toFixed(1)), rssMb, totalMb: Number(Object.values(rssMb).reduce((s, v) => s + v, 0).toFixed(1)), load1: Number(os.loadavg()[0]!.toFixed(2)), cpuSeconds: server.cpuSeconds() });
    };
    sample();
    const sampler = setInterval(sample, SAMPLE_SECONDS * 1000);
    const afterGc: (AfterGc & { t: number })[] = [];
    const gcSample = () =>
      memoryAfterGc(inspector).then(
        (m) => void afterGc.push({ t: Number(((Date.now() - start) / 1000).toFixed(1)), ...m }),
        (error) => console.warn(`no memory sample: ${(error as Error).message}`),
      );
    await gcSample();
    const gcSampler = setInterval(() => void gcSample(), GC_SECONDS * 1000);
    const windowSeconds = Math.min(480, SOAK_SECONDS * 0.8);
    const snapshots: string[] = [];
    const snapshot = async () => {
      const file = path.join(os.tmpdir(), `soak-${Date.now()}.heapsnapshot`);
      await writeHeapSnapshot(inspector, file);
      snapshots.push(file);
      console.log(`heap snapshot: ${file}`);
    };
    const sampling = new Promise<void>((resolve) =>
      setTimeout(() => {
        void (async () => {
          if (HEAP_SNAPSHOTS) await snapshot();
          if (HEAP_SAMPLING) await startHeapSampling(inspector);
        })().then(resolve);
      }, (SOAK_SECONDS - windowSeconds) * 1000),
    );
    const minutes: { latencies: number[]; ok: number; non2xx: number; errors: number }[] = [];
    const bucket = () => {
      const i = Math.floor((Date.now() - start) / 60_000);
      while (minutes.length <= i) minutes.push({ latencies: [], ok: 0, non2xx: 0, errors: 0 });
      return minutes[i]!;
    };
    const statuses: Record<string, number> = {};
    const totals = await new Promise<autocannon.Result>((resolve, reject) => {
      const instance = autocannon(
        {
          url: server.url,
          connections: CONNECTIONS,
          overallRate: rate,
          duration: SOAK_SECONDS,
          requests: [requestOf(earn)],
        },
        (error, result) => (error ? reject(error) : resolve(result)),
      );
      instance.on("response", (_client, statusCode, _bytes, responseTime) => {
        const b = bucket();
        b.latencies.push(responseTime);
        statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
        if (statusCode >= 200 && statusCode < 300) b.ok++;
        else b.non2xx++;
      });
      instance.on("reqError", () => bucket().errors++);
    });
    const logAtEnd = server.output().length;
    clearInterval(sampler);
    clearInterval(gcSampler);
    sample();
    await gcSample();
    const seconds = (Date.now() - start) / 1000;
    let retained: { totalKb: number; sites: RetainedSite[]; file: string } | null = null;
    await sampling;
    if (HEAP_SNAPSHOTS) await snapshot();
    if (HEAP_SAMPLING) {
      const found = await retainedSinceSampling(inspector).catch((error) => (console.warn(`no heap profile: ${(error as Error).message}`), null));
      if (found) {
        // The whole profile, for Chrome's devtools (Memory → Load); the summary goes in the result.
        const file = path.join(os.tmpdir(), `soak-${Date.now()}.heapprofile`);
        fs.writeFileSync(file, JSON.stringify(found.profile));
        retained = { totalKb: found.totalKb, sites: found.sites, file };
        console.log(`heap profile of the window: ${file}`);
      }
    }

    // ── afterwards: the jobs catch up, nothing is left behind ──
    await executor.idle(120_000).catch(() => {});
    await new Promise((r) => setTimeout(r, 2000));
    const pending = (await sql<{ pending: number }[]>`select count(*)::int as pending from outbox_events where dispatched_at is null`)[0]!.pending;
    const entries = (await sql<{ entries: number }[]>`select count(*)::int as entries from ledger_entries where source is distinct from 'seed'`)[0]!.entries;
    const soakRuns = executor.runs.slice(runsBefore);
    const failedRuns = soakRuns.filter((r) => !r.ok);
    const runsByFn: Record<string, { runs: number; failed: number }> = {};
    for (const r of soakRuns) {
      const f = (runsByFn[r.fnId] ??= { runs: 0, failed: 0 });
      f.runs++;
      if (!r.ok) f.failed++;
    }
    const errorLines = (text: string) => text.split("\n").filter((l) => /error|unhandled|exception/i.test(l));
    const logErrors = errorLines(server.output().slice(logBefore, logAtEnd));
    // Requests cut off when the load generator stops (their clients gone) are logged after it: not errors of the soak.
    const logAfterStop = errorLines(server.output().slice(logAtEnd));

    const perMinute = minutes.map((m, i) => {
      const sorted = [...m.latencies].sort((a, b) => a - b);
      const inMinute = samples.filter((s) => s.t >= i * 60 && s.t < (i + 1) * 60);
      const before = samples.filter((s) => s.t < i * 60).at(-1) ?? samples[0]!;
      const cpuMs = ((inMinute.at(-1)?.cpuSeconds ?? before.cpuSeconds) - before.cpuSeconds) * 1000;
      return {
        minute: i + 1,
        answers: m.latencies.length,
        rps: Number((m.latencies.length / Math.min(60, seconds - i * 60)).toFixed(1)),
        ok: m.ok,
        non2xx: m.non2xx,
        socketErrors: m.errors,
        p50: Math.round(percentile(sorted, 50)),
        p99: Math.round(percentile(sorted, 99)),
        max: Math.round(sorted.at(-1) ?? NaN),
        rssMbAtEnd: inMinute.at(-1)?.totalMb ?? null,
        // The server's CPU per answer (from /proc): what each request costs it, whatever else the machine runs.
        serverCpuMsPerAnswer: m.latencies.length ? Number((cpuMs / m.latencies.length).toFixed(2)) : null,
        load1AtEnd: inMinute.at(-1)?.load1 ?? null,
        // A full collection forced in this minute pauses the server (memory.afterGc[].gcMs): its p99 shows it.
        forcedGc: afterGc.some((g) => g.t >= i * 60 && g.t < (i + 1) * 60),
      };
    });
    // Memory over the last eight minutes (the last 80 % of a shorter run): the first samples of that
    // span against the last ones (medians of 30 s each, so one GC cycle does not decide), and the slope.
    const from = seconds - windowSeconds;
    const windowSamples = samples.filter((s) => s.t >= from);
    const med = (list: number[]) => {
      const s = [...list].sort((a, b) => a - b);
      return s.length ? s[Math.floor(s.length / 2)]! : NaN;
    };
    const head = med(windowSamples.filter((s) => s.t < from + 30).map((s) => s.totalMb));
    const tail = med(windowSamples.filter((s) => s.t >= seconds - 30).map((s) => s.totalMb));
    const rawGrowthMb = Number((tail - head).toFixed(1));
    const rawSlopeMbPerMinute = Number((slope(windowSamples.map((s) => ({ x: s.t / 60, y: s.totalMb }))) || 0).toFixed(3));
    // What decides: memory after a full collection, first and last of the window (raw RSS swings by
    // 100-200 MB with the heap's growth and collection, which says nothing about what is retained).
    const gcWindow = afterGc.filter((m) => m.t >= from - GC_SECONDS / 2);
    const first = gcWindow[0];
    const last = gcWindow.at(-1);
    const growthMb = first && last ? Number((last.rssMb - first.rssMb).toFixed(1)) : NaN;
    const heapGrowthMb = first && last ? Number((last.heapUsedMb - first.heapUsedMb).toFixed(1)) : NaN;
    const slopeMbPerMinute = Number((slope(gcWindow.map((m) => ({ x: m.t / 60, y: m.rssMb }))) || 0).toFixed(3));
    const heapSlopeMbPerMinute = Number((slope(gcWindow.map((m) => ({ x: m.t / 60, y: m.heapUsedMb }))) || 0).toFixed(3));
    const p99s = perMinute.filter((m) => m.answers > 0 && m.minute * 60 <= seconds + 1).map((m) => m.p99);
    const errors = {
      warmupErrors: rateWarmup ? rateWarmup.non2xx + rateWarmup.errors : 0,
      non2xx: perMinute.reduce((s, m) => s + m.non2xx, 0),
      socketErrors: perMinute.reduce((s, m) => s + m.socketErrors, 0),
      timeouts: totals.timeouts,
      failedJobRuns: failedRuns.length,
      serverLogErrors: logErrors.length,
      undispatchedEvents: pending,
    };
    const errorCount = Object.values(errors).reduce((s, v) => s + v, 0);
    const result = {
      bench: "soak",
      at: new Date().toISOString(),
      passed: errorCount === TARGET.errors && growthMb <= TARGET.rssGrowthMb,
      note:
        "One `next start` (production build, node running next's entry point directly) on a shared 2-core machine, with Postgres, Redis, the Upstash REST stand-in, the Inngest stand-in and the load generator on the same cores. " +
        "The rate is 70 % of the maximum measured at the start of this run on this machine in its state then; the load average (runnable processes; above 2 means other work competed for the 2 cores) is recorded at the start and with every memory sample, and explains p99 spikes in minutes where it rose. " +
        "Memory: the resident set of the server's process from /proc every few seconds (memory.samples: a saw-tooth of 100-200 MB as the heap grows and is collected), and every two minutes after a full garbage collection forced through the server's inspector (memory.afterGc; each forced collection pauses the server, up to a second on this loaded machine, and the p99 of the minutes marked forcedGc includes that pause). " +
        "Growth is the resident set after a collection at the end minus at the start of the last eight minutes; the raw series' own growth is kept beside it (rawGrowthMb). " +
        "Errors: any answer but 201, socket errors, timeouts, failed job runs, error lines in the server's log while the load ran, and outbox events never dispatched.",
      setup: {
        seconds: SOAK_SECONDS,
        share: SHARE,
        connections: CONNECTIONS,
        cards: { total: pool.ids.length, earnsPerCard: EARNS_PER_CARD, usedBeforeSoak: cardsUsedBeforeSoak, why: "the fraud rules hold a card earning more than 5 times in an hour (409 card_held): each card earns at most 4 times" },
        gcSampleSeconds: GC_SECONDS,
        sampleSeconds: SAMPLE_SECONDS,
        jobs: "outbox → Inngest stand-in → the app's /api/inngest (checkpointing), every-minute outbox sweep",
        functions,
        rateLimits: "Upstash REST stand-in over Redis",
        autovacuum: autovacuum.setting,
      },
      machine: { ...startedMachine, loadAverageAtEnd: os.loadavg().map((l) => Number(l.toFixed(1))) },
      max: { rps: maxRps, rounds: maxRounds, secondsPerRound: MAX_SECONDS },
      warmup: {
        ...warmup,
        what: "Next's cache of resolved request paths filled before the window, as on a server that has been running (see WARM_PATHS in bench/soak.ts)",
        atRate: rateWarmup ? { ...rateWarmup, seconds: RATE_WARMUP_SECONDS, what: "earns at the soak's rate before its first minute (see RATE_WARMUP_SECONDS in bench/soak.ts)" } : null,
      },
      soak: {
        targetRps: rate,
        achievedRps: Number((totals.requests.total / seconds).toFixed(1)),
        answers: totals.requests.total,
        statuses,
        latency: { p50: totals.latency.p50, p99: totals.latency.p99, max: totals.latency.max },
        ledgerEntriesWritten: entries,
      },
      errors,
      errorSamples: { jobRuns: failedRuns.slice(0, 5), serverLog: logErrors.slice(0, 10), serverLogAfterStop: logAfterStop.slice(0, 5) },
      jobs: { runs: soakRuns.length, byFunction: runsByFn, eventsReceived: executor.state.events, duplicatesDropped: executor.state.duplicates },
      memory: {
        windowSeconds,
        startOfWindowMb: first?.rssMb ?? null,
        endMb: last?.rssMb ?? null,
        rawStartOfWindowMb: head,
        rawEndMb: tail,
        growthMb,
        slopeMbPerMinute,
        heapUsedGrowthMb: heapGrowthMb,
        heapUsedSlopeMbPerMinute: heapSlopeMbPerMinute,
        rawGrowthMb,
        rawSlopeMbPerMinute,
        afterGc,
        heapSnapshots: snapshots,
        retainedSinceWindowStart: retained && {
          what: "the sampling heap profiler (one allocation per ~32 KB sampled, with its stack) from the start of the window to its end, after two full collections: the allocations still alive, grouped by the innermost frame outside Node's own code",
          ...retained,
        },
        target: `≤ ${TARGET.rssGrowthMb} MB over the window`,
        samples: samples.map((s) => ({ t: s.t, mb: s.totalMb, load1: s.load1 })),
        processes: samples.at(-1)?.rssMb,
      },
      p99PerMinute: { values: p99s, min: Math.min(...p99s), max: Math.max(...p99s), median: med(p99s) },
      serverCpuMsPerAnswerPerMinute: perMinute.filter((m) => m.minute * 60 <= seconds + 1).map((m) => m.serverCpuMsPerAnswer),
      perMinute,
    };
    writeResult("soak", result);
    console.log(
      `soak: ${result.soak.achievedRps} req/s of ${rate} target, ${result.soak.answers} answers, errors ${JSON.stringify(errors)}, RSS after GC ${first?.rssMb} → ${last?.rssMb} MB (${growthMb} MB, slope ${slopeMbPerMinute} MB/min; heap used ${heapGrowthMb} MB), raw RSS ${head} → ${tail} MB, p99 per minute ${p99s.join(", ")}`,
    );
    return result;
  } finally {
    await inspector.close();
    await sql.end();
    await server.stop();
    await executor.close();
    await upstash.stop();
    await database.drop();
    await autovacuum.restore();
  }
}

/** `target` at `rate` requests a second for `seconds`: throughput, p99 and what was not a 2xx. */
async function atRate(url: string, target: Target, rate: number, seconds: number) {
  let non2xx = 0;
  let errors = 0;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url,
        connections: CONNECTIONS,
        overallRate: rate,
        duration: seconds,
        requests: [requestOf(target)],
      },
      (error, r) => (error ? reject(error) : resolve(r)),
    );
    instance.on("response", (_client, statusCode) => {
      if (statusCode < 200 || statusCode >= 300) non2xx++;
    });
    instance.on("reqError", () => errors++);
  });
  return { rps: Number(result.requests.average.toFixed(1)), p99: result.latency.p99, non2xx, errors: errors + result.timeouts };
}

/** Requests for WARM_PATHS distinct earn URLs without a key (401 at once): Next's path cache, full. */
async function fillPathCache(url: string, inspector: InspectorSession) {
  const before = await memoryAfterGc(inspector);
  const started = Date.now();
  let i = 0;
  await new Promise<autocannon.Result>((resolve, reject) =>
    autocannon(
      {
        url,
        connections: 16,
        amount: WARM_PATHS,
        // Card-id-shaped: crd_ and 20 characters, as lib/ids.ts makes them.
        requests: [{ method: "POST", setupRequest: (req) => ({ ...req, path: `/api/v1/cards/crd_warm${String(i++).padStart(16, "0")}/earn` }) }],
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    ),
  );
  const after = await memoryAfterGc(inspector);
  return { paths: WARM_PATHS, seconds: Math.round((Date.now() - started) / 1000), heapUsedMbBefore: before.heapUsedMb, heapUsedMbAfter: after.heapUsedMb, rssMbBefore: before.rssMb, rssMbAfter: after.rssMb };
}
