// npm run test:integration — the integration suite on the embedded database, then on Postgres.
// Postgres runs when TEST_DATABASE_URL (default: the local server) answers; in CI it must.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import { ensureTestBuild } from "../tests/support/test-build";

const adminUrl = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const extra = process.argv.slice(2);

type Db = "pglite" | "postgres";
type Run = { db: Db; status: number; failures: string[] };
const label = (db: Db) => (db === "pglite" ? "embedded PGlite" : `Postgres (${new URL(adminUrl).host})`);

/** One vitest run of the integration project; its failed tests are read back from vitest's JSON report. */
function vitest(db: Db): Run {
  console.log(`\n── integration tests on ${label(db)} ──\n`);
  const report = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "keepcard-vitest-")), "report.json");
  const result = spawnSync("npx", ["vitest", "run", "--project", "integration", "--reporter=default", "--reporter=json", `--outputFile.json=${report}`, ...extra], {
    stdio: "inherit",
    env: { ...process.env, TEST_DB: db, TEST_DATABASE_URL: adminUrl },
  });
  const run: Run = { db, status: result.status ?? 1, failures: failuresIn(report) };
  fs.rmSync(path.dirname(report), { recursive: true, force: true });
  return run;
}

type JsonReport = { testResults?: { name: string; message?: string; assertionResults?: { status: string; fullName: string; failureMessages?: string[] }[] }[] };

/** "file › test: first line of the error" for each failed test (or failed file, say a hook's error). */
function failuresIn(report: string): string[] {
  if (!fs.existsSync(report)) return [];
  const parsed = JSON.parse(fs.readFileSync(report, "utf8")) as JsonReport;
  const firstLine = (text: string | undefined) => (text ?? "").split("\n").find((l) => l.trim())?.trim().slice(0, 300) ?? "";
  const found: string[] = [];
  for (const file of parsed.testResults ?? []) {
    const name = path.relative(process.cwd(), file.name);
    const failed = (file.assertionResults ?? []).filter((t) => t.status === "failed");
    for (const t of failed) found.push(`${name} › ${t.fullName}: ${firstLine(t.failureMessages?.[0])}`);
    if (failed.length === 0 && file.message) found.push(`${name}: ${firstLine(file.message)}`);
  }
  return found;
}

/**
 * The last lines of the run say how each database's run ended and name what failed: a CI log
 * that shows only its end still tells which test broke, whichever run it was in.
 */
function summarize(runs: Run[]) {
  console.log("\n── integration summary ──");
  for (const run of runs) {
    console.log(`${label(run.db)}: ${run.status === 0 ? "passed" : `FAILED (exit ${run.status})`}`);
    for (const failure of run.failures) console.log(`  ✗ ${failure}`);
  }
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
  const runs: Run[] = [];
  buildFirst();
  if (!only || only === "pglite") runs.push(vitest("pglite"));
  if (!only || only === "postgres") {
    if (await postgresReachable()) runs.push(vitest("postgres"));
    else if (process.env.CI || only === "postgres") {
      console.error(`Postgres at ${adminUrl} is not reachable, and this run needs it.`);
      failed++;
    } else console.warn(`\nPostgres at ${adminUrl} is not reachable: skipped the Postgres run (set TEST_DATABASE_URL to run it).\n`);
  }
  summarize(runs);
  failed += runs.filter((run) => run.status !== 0).length;
  process.exit(failed ? 1 : 0);
}

void main();
