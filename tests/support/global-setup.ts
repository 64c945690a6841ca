import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createTemplate, dropTemplateAndCopies } from "./postgres-per-file";

/**
 * Integration tests run against the database named by TEST_DB:
 *  - postgres: a database per test file on TEST_DATABASE_URL's server (default: the local one), each a
 *    copy of one migrated here first, all dropped afterwards;
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
  // Postgres: one database migrated here, then copied for each test file (tests/support/postgres-per-file.ts).
  const template = await createTemplate();
  process.env.DATABASE_URL = template.url;
  process.env.DATABASE_POOL_MAX = "20";
  const { closeDb, dbReady } = await import("../../db/client");
  await dbReady();
  await closeDb();
  // A database with a session connected cannot be copied: no connection to the template may remain.
  delete process.env.DATABASE_URL;
  return () => dropTemplateAndCopies(template.name);
}
