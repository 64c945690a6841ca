import { afterAll, beforeAll } from "vitest";
import { databaseForThisFile } from "./postgres-per-file";

// On Postgres this file's own database, copied from the migrated template before the app is first
// imported (lib/env.ts reads DATABASE_URL once).
const dropDatabase = (process.env.TEST_DB ?? "pglite") === "postgres" ? await databaseForThisFile() : null;
const { closeDb, dbReady } = await import("@/db/client");

beforeAll(async () => {
  await dbReady();
});

afterAll(async () => {
  await closeDb();
  await dropDatabase?.();
});
