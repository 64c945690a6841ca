import { spawn, type ChildProcess } from "node:child_process";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import net from "node:net";
import path from "node:path";
import postgres from "postgres";
import { drizzle } from "drizzle-orm/postgres-js";
import type { Db } from "@/db/client";
import * as schema from "@/db/schema";
import { ensureTestBuild, TEST_BUILD_DIR } from "./test-build";
import { testWalletCerts } from "./wallet-certs";

/**
 * The real app under `next start`, for tests that speak HTTP to it (Apple's web service), on the
 * test build the browser tests use too (test-build.ts): built once, reused while no source is newer.
 *
 * It always runs on Postgres, even when TEST_DB=pglite: the server and the test are two
 * processes, and the embedded PGlite cannot be opened by two processes at once. The test gets its
 * own Postgres database, dropped afterwards, and a drizzle handle on it to seed and change data.
 */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });
}

export async function startWalletServer(env: Record<string, string> = {}) {
  ensureTestBuild();
  const admin = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
  const name = `keepcard_wallet_e2e_${process.pid}_${Date.now().toString(36)}`;
  const adminSql = postgres(admin, { max: 1, onnotice: () => {} });
  await adminSql.unsafe(`CREATE DATABASE ${name}`);
  await adminSql.end();
  const url = new URL(admin);
  url.pathname = `/${name}`;

  const { files, manifest } = testWalletCerts();
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn("npx", ["next", "start", "-p", String(port), "-H", "127.0.0.1"], {
    env: {
      ...process.env,
      NODE_ENV: "production",
      NEXT_DIST_DIR: TEST_BUILD_DIR,
      NEXT_TELEMETRY_DISABLED: "1",
      DATABASE_URL: url.toString(),
      APP_URL: base,
      RATE_LIMIT_DISABLED: "1",
      // A production build on loopback for tests: the http origin and test settings are warned about, not refused.
      LOCAL_TEST_SERVER: "1",
      TOKEN_SIGNING_KEY: generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
      DATA_DIR: path.dirname(files.manifest),
      // A throwaway key for secrets at rest: production refuses to start without one.
      ENCRYPTION_KEY: process.env.ENCRYPTION_KEY ?? `test:${randomBytes(32).toString("base64")}`,
      APPLE_PASS_TYPE_ID: manifest.passTypeId,
      APPLE_TEAM_ID: manifest.teamId,
      APPLE_PASS_CERT: files.signerCert,
      APPLE_PASS_KEY: files.signerKey,
      APPLE_WWDR_CERT: files.wwdr,
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  child.stdout?.on("data", (d) => (output += d));
  child.stderr?.on("data", (d) => (output += d));

  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const res = await fetch(`${base}/api/wallet/apple/v1/log`, { method: "POST", body: JSON.stringify({ logs: [] }) });
      if (res.status === 200) break;
    } catch {
      /* not up yet */
    }
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`next start did not come up:\n${output.slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 250));
  }

  const client = postgres(url.toString(), { max: 4, onnotice: () => {} });
  const db = drizzle(client, { schema }) as unknown as Db;
  return {
    url: base,
    db,
    output: () => output,
    async close() {
      await client.end({ timeout: 2 });
      if (child.pid && child.exitCode === null) {
        process.kill(-child.pid, "SIGTERM");
        await new Promise((r) => child.once("exit", r));
      }
      const drop = postgres(admin, { max: 1, onnotice: () => {} });
      await drop.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await drop.end();
    },
  };
}
