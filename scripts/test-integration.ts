// npm run test:integration — the integration suite on the embedded database, then on Postgres.
// Postgres runs when TEST_DATABASE_URL (default: the local server) answers; in CI it must.
import { spawnSync } from "node:child_process";
import postgres from "postgres";
import { ensureTestBuild } from "../tests/support/test-build";

const adminUrl = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const extra = process.argv.slice(2);

function vitest(db: "pglite" | "postgres"): number {
  console.log(`\n── integration tests on ${db === "pglite" ? "embedded PGlite" : `Postgres (${new URL(adminUrl).host})`} ──\n`);
  const result = spawnSync("npx", ["vitest", "run", "--project", "integration", ...extra], {
    stdio: "inherit",
    env: { ...process.env, TEST_DB: db, TEST_DATABASE_URL: adminUrl },
  });
  return result.status ?? 1;
}

async function postgresReachable(): Promise<boolean> {
  const sql = postgres(adminUrl, { max: 1, connect_timeout: 3, onnotice: () => {} });
  try {
    await sql`select 1`;
    return true;
  } catch {
    return false;
  } finally {
    await sql.end({ timeout: 1 }).catch(() => {});
  }
}

/**
 * The Apple web service test runs the app under `next start` on the tests' build (shared with the
 * browser tests). A whole-suite run makes that build first, on its own, rather than inside the test
 * while the other test files compete with it for the cores; a run of chosen files leaves it to the test.
 */
function buildFirst() {
  if (extra.some((arg) => !arg.startsWith("-"))) return;
  const started = Date.now();
  console.log("\n── the app's test build (tests/support/test-build.ts), unless a fresh one is there ──\n");
  ensureTestBuild(process.cwd(), { inherit: true });
  console.log(`\nready in ${Math.round((Date.now() - started) / 1000)} s`);
}

async function main() {
  const only = process.env.TEST_DB;
  let failed = 0;
  buildFirst();
  if (!only || only === "pglite") failed += vitest("pglite") === 0 ? 0 : 1;
  if (!only || only === "postgres") {
    if (await postgresReachable()) failed += vitest("postgres") === 0 ? 0 : 1;
    else if (process.env.CI || only === "postgres") {
      console.error(`Postgres at ${adminUrl} is not reachable, and this run needs it.`);
      failed++;
    } else console.warn(`\nPostgres at ${adminUrl} is not reachable: skipped the Postgres run (set TEST_DATABASE_URL to run it).\n`);
  }
  process.exit(failed ? 1 : 0);
}

void main();
