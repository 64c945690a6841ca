import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";

/**
 * Integration tests run against the database named by TEST_DB:
 *  - postgres: a fresh database on TEST_DATABASE_URL's server (default: the local one), dropped afterwards;
 *  - pglite: an in-memory embedded database per test file, each a copy of one migrated here first.
 */
export default async function setup() {
  process.env.RATE_LIMIT_DISABLED ??= "1";
  // The fake webhook receivers and payout providers listen on loopback.
  process.env.OUTBOUND_ALLOW_LOOPBACK ??= "1";
  if ((process.env.TEST_DB ?? "pglite") === "pglite") {
    delete process.env.DATABASE_URL;
    delete process.env.PGLITE_SNAPSHOT;
    process.env.PGLITE_DIR = "memory://";
    const { writeEmbeddedSnapshot } = await import("../../db/client");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "keepcard-pglite-"));
    const snapshot = path.join(dir, "migrated.tar");
    await writeEmbeddedSnapshot(snapshot);
    process.env.PGLITE_SNAPSHOT = snapshot;
    return () => fs.rmSync(dir, { recursive: true, force: true });
  }
  const admin = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
  const name = `keepcard_test_${process.pid}_${Date.now().toString(36)}`;
  const sql = postgres(admin, { max: 1, onnotice: () => {} });
  await sql.unsafe(`CREATE DATABASE ${name}`);
  await sql.end();
  const url = new URL(admin);
  url.pathname = `/${name}`;
  process.env.DATABASE_URL = url.toString();
  process.env.DATABASE_POOL_MAX = "20";

  return async () => {
    const drop = postgres(admin, { max: 1, onnotice: () => {} });
    await drop.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await drop.end();
  };
}
