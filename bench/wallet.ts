// bench/wallet — from a balance change to the wallets: 50 earns per second (open loop) through the API of
// `next start` (production build, Postgres), every card in Apple Wallet (a push token) and Google Wallet (a
// loyalty object). Background jobs run the real way: the outbox sends events to an Inngest stand-in
// (bench/support/inngest-executor.ts), which batches them as the wallet sync's batchEvents says and calls
// the app's /api/inngest with signed requests. Measured: the time from the commit of each change (its API
// answer) to the first APNs push for the card at the local APNs fake, and to the first Google PATCH at the
// local Google fake that shows the new balance — the batch wait included. Same-run references: the earn
// round trip itself, and the same pipeline at 5 changes a second.
import { generateKeyPairSync, randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import type { Db } from "../db/client";
import * as schema from "../db/schema";
import { startApnsFake } from "../tests/support/apns-fake";
import { startGoogleFake } from "../tests/support/google-fake";
import { testWalletCerts } from "../tests/support/wallet-certs";
import { startInngestExecutor } from "./support/inngest-executor";
import { machine } from "./support/load";
import { summarize } from "./support/profile-summary";
import { buildOnce, freshDatabase, percentile, ROOT, startServer, writeResult } from "./support/server";
import { merchantFor, openShop, randomOf } from "./support/setup";

const RATE = Number(process.env.BENCH_WALLET_RATE ?? 50);
const SECONDS = Number(process.env.BENCH_WALLET_SECONDS ?? 30);
const CARDS = Number(process.env.BENCH_WALLET_CARDS ?? 300);
const LIGHT_RATE = Number(process.env.BENCH_WALLET_LIGHT_RATE ?? 5);
const LIGHT_SECONDS = Number(process.env.BENCH_WALLET_LIGHT_SECONDS ?? 10);
const BATCH_SECONDS = process.env.WALLET_SYNC_BATCH_SECONDS ?? "1";
const BATCH_SIZE = process.env.WALLET_SYNC_BATCH_SIZE ?? "100";
const CONCURRENCY = Number(process.env.BENCH_WALLET_CONCURRENCY ?? 8);
// SDK v4 checkpointing (its default with Inngest Cloud): a run's steps in one call to /api/inngest.
const CHECKPOINTING = process.env.BENCH_INNGEST_CHECKPOINT !== "0";
const TARGET = { p95Ms: 5000, rate: 50 };
const PROFILE = process.env.BENCH_WALLET_PROFILE === "1";

type Change = { cardId: string; sentAt: number; committedAt: number; balance: number; status: number; roundTripMs: number };

function stats(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const round = (v: number) => Math.round(v);
  return { count: sorted.length, p50: round(percentile(sorted, 50)), p95: round(percentile(sorted, 95)), p99: round(percentile(sorted, 99)), max: round(sorted.at(-1) ?? NaN) };
}

export async function runWalletBench() {
  buildOnce();
  const { files, manifest } = testWalletCerts();
  const apns = await startApnsFake();
  const google = await startGoogleFake();
  const signingKey = `signkey-test-${randomBytes(32).toString("hex")}`;
  const executor = await startInngestExecutor({ signingKey, concurrency: CONCURRENCY, checkpointing: CHECKPOINTING });
  const database = await freshDatabase("wallet");
  const merchant = merchantFor(database.url);
  // BENCH_WALLET_PROFILE=1: the server runs under node --cpu-prof; a summary of the load's profile is printed at the end.
  // BENCH_DIRECT=1: node runs next's entry point itself instead of `npx next start` (on the loaded shared
  // machine the API answered far faster this way; see README).
  const profileDir = path.join(ROOT, ".data", "profiles");
  const profileBefore = PROFILE ? new Set((fs.mkdirSync(profileDir, { recursive: true }), fs.readdirSync(profileDir))) : null;
  const server = await startServer({
    port: 3951,
    databaseUrl: database.url,
    ...(PROFILE ? { nodeArgs: ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] } : process.env.BENCH_DIRECT ? { nodeArgs: [] } : {}),
    env: {
      BENCH_ROUTES: "1",
      RATE_LIMIT_API_PER_MINUTE: "100000000",
      TOKEN_SIGNING_KEY: generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
      // Background jobs as in production: an event key to send, a signing key to check Inngest's calls.
      INNGEST_BASE_URL: executor.url,
      INNGEST_EVENT_KEY: "bench-event-key",
      INNGEST_SIGNING_KEY: signingKey,
      WALLET_SYNC_BATCH_SECONDS: BATCH_SECONDS,
      WALLET_SYNC_BATCH_SIZE: BATCH_SIZE,
      // Apple: the test pass certificate, pushes to the local APNs fake (which trusts the test CA).
      APPLE_PASS_TYPE_ID: manifest.passTypeId,
      APPLE_TEAM_ID: manifest.teamId,
      APPLE_PASS_CERT: files.signerCert,
      APPLE_PASS_KEY: files.signerKey,
      APPLE_WWDR_CERT: files.wwdr,
      APNS_BASE_URL: apns.url,
      APNS_CA: files.rootCa,
      // Google: the test service account, the REST API and its token endpoint on the local fake.
      GOOGLE_WALLET_ISSUER_ID: manifest.googleIssuerId,
      GOOGLE_WALLET_SERVICE_ACCOUNT: files.googleServiceAccount,
      GOOGLE_WALLET_BASE_URL: google.baseUrl,
      GOOGLE_OAUTH_TOKEN_URL: google.tokenUrl,
    },
  });
  const client = postgres(database.url, { max: 2, onnotice: () => {} });
  try {
    const synced = await executor.sync(`${server.url}/api/inngest`);
    if (!synced.includes("keepcard-wallet-sync")) throw new Error(`the app's functions did not include the wallet sync: ${synced.join(", ")}`);
    const shop = await openShop(server.url, merchant, CARDS);

    // Every card is on an iPhone (a registered push token) and saved to Google Wallet (its object inserted).
    const db = drizzle(client, { schema }) as unknown as Db;
    const tokenOf = new Map<string, string>();
    const objectOf = new Map<string, string>();
    await db.insert(schema.appleRegistrations).values(
      shop.cards.map((c, i) => {
        const token = `b3${i.toString(16).padStart(10, "0")}`;
        tokenOf.set(c.id, token);
        return { id: `reg_bench_${i}`, deviceLibraryId: `bench-device-${i}`, passTypeId: manifest.passTypeId, serialNumber: c.id, cardId: c.id, pushToken: token };
      }),
    );
    await db.insert(schema.googleWalletObjects).values(
      shop.cards.map((c) => {
        const objectId = `${manifest.googleIssuerId}.${c.id}`;
        objectOf.set(c.id, objectId);
        google.objects.set(objectId, { id: objectId });
        return { cardId: c.id, objectId, classId: `${manifest.googleIssuerId}.${shop.programId}`, syncedHash: "seed", syncedBalance: 0 };
      }),
    );

    // Warm up: a few changes, all the way to both fakes.
    for (const c of shop.cards.slice(0, 5)) await shop.api(`/cards/${c.id}/earn`, { purchase: { amount: 500, currency: "USD" } });
    await executor.idle();
    apns.reset();
    google.reset();

    // The bare reference route of the same build, round trip, just before the load.
    const reference: number[] = [];
    for (let i = 0; i < 100; i++) {
      const t = performance.now();
      await (await fetch(`${server.url}/api/bench/reference?card=${randomOf(shop.cards).id}`)).arrayBuffer();
      reference.push(performance.now() - t);
    }

    // The load: `rate` changes per second, on schedule whatever the answers take; then until every run is done.
    const drive = async (rate: number, seconds: number) => {
      const changes: Change[] = [];
      const inFlight: Promise<void>[] = [];
      const start = performance.now();
      for (let i = 0; i < rate * seconds; i++) {
        const wait = start + (i * 1000) / rate - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        const card = randomOf(shop.cards);
        const sentAt = Date.now();
        const t = performance.now();
        inFlight.push(
          fetch(`${server.url}/api/v1/cards/${card.id}/earn`, { method: "POST", headers: shop.headers, body: JSON.stringify({ purchase: { amount: 1234, currency: "USD" } }) })
            .then(async (res) => {
              const body = (await res.json()) as { card?: { balance: number } };
              changes.push({ cardId: card.id, sentAt, committedAt: Date.now(), balance: body.card?.balance ?? NaN, status: res.status, roundTripMs: performance.now() - t });
            })
            .catch(() => {
              changes.push({ cardId: card.id, sentAt, committedAt: Date.now(), balance: NaN, status: 0, roundTripMs: performance.now() - t });
            }),
        );
      }
      const offeredSeconds = Number(((performance.now() - start) / 1000).toFixed(1));
      await Promise.all(inFlight);
      await new Promise((r) => setTimeout(r, Number(BATCH_SECONDS) * 1000 + 500));
      // Until every run is done and no event waits in the outbox (a send that timed out goes with the next minute's sweep).
      const deadline = Date.now() + 300_000;
      for (;;) {
        await executor.idle(300_000);
        const [pending] = await client<{ n: number }[]>`select count(*)::int as n from outbox_events where dispatched_at is null`;
        if (pending!.n === 0 || Date.now() > deadline) break;
        await new Promise((r) => setTimeout(r, 1000));
      }
      return { changes, offeredSeconds };
    };

    // Per change: the first push for its card after the commit; the first PATCH after it that shows its balance (or more).
    type Latency = ReturnType<typeof stats> & { missing: number };
    type Measured = { changes: { sent: number; committed: number; failed: number }; appleMs: Latency; googleMs: Latency; earnRoundTripMs: ReturnType<typeof stats> };
    const measure = (changes: Change[]): Measured => {
      const pushes = new Map<string, number[]>();
      for (const r of apns.requests) {
        const token = decodeURIComponent(r.path.replace(/^\/3\/device\//, ""));
        pushes.set(token, [...(pushes.get(token) ?? []), r.at]);
      }
      const patches = new Map<string, { at: number; balance: number }[]>();
      for (const r of google.requests) {
        if (r.method !== "PATCH" || !r.path.startsWith("/loyaltyObject/")) continue;
        const objectId = decodeURIComponent(r.path.slice("/loyaltyObject/".length));
        const balance = Number((r.body?.loyaltyPoints as { balance?: { int?: number } } | undefined)?.balance?.int ?? NaN);
        patches.set(objectId, [...(patches.get(objectId) ?? []), { at: r.at, balance }]);
      }
      const ok = changes.filter((c) => c.status === 201);
      const apple: number[] = [];
      const googleLatency: number[] = [];
      let appleMissing = 0;
      let googleMissing = 0;
      for (const c of ok) {
        const push = (pushes.get(tokenOf.get(c.cardId)!) ?? []).find((at) => at >= c.committedAt);
        if (push === undefined) appleMissing++;
        else apple.push(push - c.committedAt);
        const patch = (patches.get(objectOf.get(c.cardId)!) ?? []).find((p) => p.at >= c.committedAt && p.balance >= c.balance);
        if (patch === undefined) googleMissing++;
        else googleLatency.push(patch.at - c.committedAt);
      }
      return {
        changes: { sent: changes.length, committed: ok.length, failed: changes.length - ok.length },
        appleMs: { ...stats(apple), missing: appleMissing },
        googleMs: { ...stats(googleLatency), missing: googleMissing },
        earnRoundTripMs: stats(ok.map((c) => c.roundTripMs)),
      };
    };

    // First a light load (the pipeline's own latency, the batch wait included), then the target rate.
    const light = await drive(LIGHT_RATE, LIGHT_SECONDS);
    const lightResult = { ratePerSecond: LIGHT_RATE, seconds: LIGHT_SECONDS, ...measure(light.changes) };
    const runsBefore = executor.runs.length;
    const loadAverageAtStart = os.loadavg().map((l) => Number(l.toFixed(1)));
    const cpuBefore = server.cpuSeconds();
    const main = await drive(RATE, SECONDS);
    const serverCpuSeconds = Number((server.cpuSeconds() - cpuBefore).toFixed(1));
    const loadAverageAtEnd = os.loadavg().map((l) => Number(l.toFixed(1)));
    const offeredSeconds = main.offeredSeconds;
    const mainResult = measure(main.changes);
    const appleStats = mainResult.appleMs;
    const googleStats = mainResult.googleMs;
    const appleMissing = appleStats.missing;
    const googleMissing = googleStats.missing;
    const earnStats = mainResult.earnRoundTripMs;
    const referenceStats = stats(reference);
    const runs = executor.runs.slice(runsBefore);
    const syncRuns = runs.filter((r) => r.fnId === "keepcard-wallet-sync");
    const result = {
      bench: "wallet",
      at: new Date().toISOString(),
      note:
        ((os.loadavg()[0] ?? 0) > 4
          ? "Measured on a shared 2-core machine under heavy load from other work (see machine): absolute times are not comparable between runs. "
          : "Measured on a quiet 2-core machine (see machine.loadAverageAtStart). ") +
        "Latency = from the commit of a balance change (its API answer reaching the client) to the first APNs push for the card arriving at the local APNs fake, " +
        "and to the first Google PATCH of the card's object showing the new balance arriving at the local Google fake, the batch wait included. " +
        "Jobs run through a local Inngest stand-in speaking Inngest's protocol (signed in-band sync, batchEvents and concurrency as configured, signed step calls to /api/inngest).",
      setup: {
        ratePerSecond: RATE,
        seconds: SECONDS,
        offeredSeconds: Number(offeredSeconds.toFixed(1)),
        cards: CARDS,
        batch: { maxSize: Number(BATCH_SIZE), timeoutSeconds: Number(BATCH_SECONDS) },
        executorConcurrency: CONCURRENCY,
        checkpointing: CHECKPOINTING,
        database: "postgres",
        build: "next build, next start (production)",
        // How the server was started: through npx (the other benches' way) or node running next's entry directly (BENCH_DIRECT=1).
        server: PROFILE ? "node --cpu-prof next start" : process.env.BENCH_DIRECT ? "node next start" : "npx next start",
      },
      machine: { ...machine(), loadAverageAtStart, loadAverageAtEnd },
      changes: mainResult.changes,
      // CPU seconds of the app's server (next start) from the first change of the load until its last run ended: the earns and the wallet syncs.
      serverCpuSeconds,
      runs: {
        total: runs.length,
        byFunction: Object.fromEntries([...new Set(runs.map((r) => r.fnId))].map((id) => [id, runs.filter((r) => r.fnId === id).length])),
        failed: runs.filter((r) => !r.ok).length,
        retried: runs.filter((r) => r.attempts > 1).length,
        errors: [...new Set(runs.filter((r) => r.error).map((r) => r.error))].slice(0, 3),
        maxQueued: executor.state.maxQueued,
        events: { received: executor.state.events, duplicatesDropped: executor.state.duplicates },
        checkpoints: executor.state.checkpoints,
        // One wallet sync run (a batch): waiting for its turn (the function's concurrency, the executor's slots), then its calls to /api/inngest.
        walletSyncQueueMs: stats(syncRuns.map((r) => r.startedAt - r.queuedAt)),
        walletSyncRunMs: stats(syncRuns.map((r) => r.endedAt - r.startedAt)),
        walletSyncEventsPerRun: stats(syncRuns.map((r) => r.events)),
        walletSyncCallsPerRun: syncRuns.length ? Number((syncRuns.reduce((n, r) => n + r.calls, 0) / syncRuns.length).toFixed(2)) : null,
      },
      appleMs: appleStats,
      googleMs: googleStats,
      lightLoad: lightResult,
      reference: {
        earnRoundTripMs: earnStats,
        bareRouteRoundTripMs: referenceStats,
      },
      ratio: {
        appleP95OverEarnP95: Number((appleStats.p95 / earnStats.p95).toFixed(2)),
        googleP95OverEarnP95: Number((googleStats.p95 / earnStats.p95).toFixed(2)),
      },
      target: TARGET,
      meetsTarget: appleStats.p95 <= TARGET.p95Ms && googleStats.p95 <= TARGET.p95Ms && appleMissing === 0 && googleMissing === 0 && RATE >= TARGET.rate,
    };
    console.log(
      `apple p50 ${appleStats.p50} p95 ${appleStats.p95} p99 ${appleStats.p99} ms (missing ${appleMissing}); google p50 ${googleStats.p50} p95 ${googleStats.p95} p99 ${googleStats.p99} ms (missing ${googleMissing}); ` +
        `earn round trip p95 ${earnStats.p95} ms; runs ${runs.length} (${result.runs.failed} failed)`,
    );
    if (PROFILE) console.log("profiled run: the result is not written (the profiler slows the server)");
    else console.log(`wrote ${writeResult("wallet", result)}`);
    return result;
  } finally {
    await client.end({ timeout: 2 });
    await server.stop();
    await executor.close();
    await apns.close();
    await google.close();
    await database.drop();
    if (profileBefore) await summarizeProfile(profileDir, profileBefore);
  }
}

/** The newest profile written since the bench began: a summary of the wallet sync's share (from the first call to /api/inngest on). */
async function summarizeProfile(dir: string, before: Set<string>) {
  for (let i = 0; i < 40; i++) {
    const fresh = fs.readdirSync(dir).filter((f) => !before.has(f) && f.endsWith(".cpuprofile"));
    if (fresh.length) {
      const file = path.join(dir, fresh.sort().at(-1)!);
      console.log(`profile: ${file}`);
      summarize(file, 45, { afterUrl: /inngest/, skipSeconds: 2 });
      return;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  console.warn("no profile was written");
}

if (require.main === module) void runWalletBench().then(() => process.exit(0), (e) => (console.error(e), process.exit(1)));
