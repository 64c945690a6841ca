// bench/passes — .pkpass renders per second through the pass endpoint (`next start`, Postgres)
// against a direct passkit-generator call of the same pass in the same process, in one run.
import { generateKeyPairSync } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import type { Db } from "../db/client";
import * as schema from "../db/schema";
import { enroll } from "../lib/cards/enroll";
import { loadCardView } from "../lib/cards/view";
import { systemActor, type Ctx } from "../lib/context";
import { newId } from "../lib/ids";
import { earn } from "../lib/ledger/earn";
import { createProgram } from "../lib/programs/verbs";
import { createReward } from "../lib/rewards/verbs";
import { buildPKPass, modelImages, passModel } from "../wallet/apple/pass";
import type { AppleConfig } from "../wallet/config";
import { generateDevWalletCerts } from "../wallet/dev-certs";
import { buildOnce, freshDatabase, percentile, startServer, writeResult } from "./support/server";

const SECONDS = Number(process.env.BENCH_ROUND_SECONDS ?? 8);
const CONNECTIONS = 1;
const TARGET = { ratio: 0.7, p99Ms: 50 };

type Measure = { renders: number; rps: number; p50: number; p99: number; errors?: number; non2xx?: number };

/** The same pass straight from passkit-generator, signed by it with the real certificate, back to back. */
async function direct(config: AppleConfig, view: NonNullable<Awaited<ReturnType<typeof loadCardView>>>): Promise<Measure> {
  const model = passModel(view, config);
  const images = modelImages(view, model);
  const times: number[] = [];
  const end = Date.now() + SECONDS * 1000;
  while (Date.now() < end) {
    const t = performance.now();
    buildPKPass(model, images, config.certificates).getAsBuffer();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { renders: times.length, rps: times.length / SECONDS, p50: percentile(times, 50), p99: percentile(times, 99) };
}

function endpoint(url: string): Promise<Measure> {
  return new Promise((resolve, reject) => {
    autocannon({ url, connections: CONNECTIONS, duration: SECONDS }, (error, r) => {
      if (error) return reject(error);
      resolve({ renders: r.requests.total, rps: r.requests.total / SECONDS, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors, non2xx: r.non2xx });
    });
  });
}

export async function runPassesBench() {
  buildOnce();
  const certs = generateDevWalletCerts(fs.mkdtempSync(path.join(os.tmpdir(), "keepcard-bench-wallet-")));
  const manifest = JSON.parse(fs.readFileSync(certs.manifest, "utf8")) as { passTypeId: string; teamId: string };
  const tokenKey = generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  process.env.TOKEN_SIGNING_KEY = tokenKey; // the direct render signs the same QR token as the server

  const database = await freshDatabase("passes");
  const server = await startServer({
    port: 3302,
    databaseUrl: database.url,
    env: {
      TOKEN_SIGNING_KEY: tokenKey,
      RATE_LIMIT_DISABLED: "1",
      APPLE_PASS_TYPE_ID: manifest.passTypeId,
      APPLE_TEAM_ID: manifest.teamId,
      APPLE_PASS_CERT: certs.signerCert,
      APPLE_PASS_KEY: certs.signerKey,
      APPLE_WWDR_CERT: certs.wwdr,
    },
  });
  const client = postgres(database.url, { max: 2, onnotice: () => {} });
  try {
    const db = drizzle(client, { schema }) as unknown as Db;
    const merchantId = newId("mer");
    await db.insert(schema.merchants).values({ id: merchantId, name: "Bench Bakery" });
    await db.insert(schema.locations).values(
      Array.from({ length: 5 }, (_, i) => ({ id: newId("loc"), merchantId, name: `Bakery ${i + 1}`, latitude: 48.1 + i / 50, longitude: 11.5 + i / 50 })),
    );
    const ctx: Ctx = { db, merchantId, actor: systemActor("bench"), source: "bench" };
    const program = await createProgram(ctx, {
      name: "Bread Points",
      kind: "points",
      tiers: { windowDays: 365, levels: [{ name: "Regular", threshold: 0, multiplier: 1 }, { name: "Gold", threshold: 500, multiplier: 1 }] },
    });
    for (const cost of [50, 150, 400]) await createReward(ctx, { programId: program.id, name: `Treat ${cost}`, cost });
    const { card } = await enroll(ctx, { programId: program.id, customer: { email: "bench@example.test", name: "Bench Customer" } });
    await earn(ctx, { cardId: card.id, points: 120 });

    const config: AppleConfig = {
      source: "env",
      passTypeId: manifest.passTypeId,
      teamId: manifest.teamId,
      certificates: { wwdr: fs.readFileSync(certs.wwdr, "utf8"), signerCert: fs.readFileSync(certs.signerCert, "utf8"), signerKey: fs.readFileSync(certs.signerKey, "utf8") },
      webServiceUrl: `${server.url}/api/wallet/apple`,
      apns: { baseUrl: "https://api.push.apple.com" },
    };
    const view = await loadCardView(db, { cardId: card.id });
    if (!view) throw new Error("seeded card not found");

    const url = `${server.url}/c/${card.publicToken}/apple.pkpass`;
    const warm = await fetch(url);
    if (warm.status !== 200) throw new Error(`pass endpoint answered ${warm.status}: ${await warm.text()}`);
    for (let i = 0; i < 20; i++) await (await fetch(url)).arrayBuffer();
    buildPKPass(passModel(view, config), modelImages(view, passModel(view, config)), config.certificates).getAsBuffer();

    const directRun = await direct(config, view);
    const endpointRun = await endpoint(url);
    const ratio = endpointRun.rps / directRun.rps;
    const result = {
      bench: "passes",
      at: new Date().toISOString(),
      machine: { cpus: os.cpus().length, node: process.version },
      seconds: SECONDS,
      connections: CONNECTIONS,
      direct: directRun,
      endpoint: endpointRun,
      ratio: Number(ratio.toFixed(3)),
      p99Ms: endpointRun.p99,
      target: TARGET,
      meetsTarget: ratio >= TARGET.ratio && endpointRun.p99 <= TARGET.p99Ms,
      notes:
        "direct = passkit-generator building and signing the same pass (node-forge's JavaScript RSA). endpoint = GET /c/{token}/apple.pkpass: " +
        "database read, the same passkit-generator build, then manifest.json signed with the RSA step in node:crypto and the pass's modification time.",
    };
    console.log(`direct ${directRun.rps.toFixed(1)}/s p99 ${directRun.p99.toFixed(1)} ms; endpoint ${endpointRun.rps.toFixed(1)}/s p99 ${endpointRun.p99} ms; ratio ${ratio.toFixed(2)}`);
    console.log(`wrote ${writeResult("passes", result)}`);
    return result;
  } finally {
    await client.end({ timeout: 2 });
    await server.stop();
    await database.drop();
  }
}

if (require.main === module) void runPassesBench().then(() => process.exit(0), (e) => (console.error(e), process.exit(1)));
