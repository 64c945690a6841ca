import { spawn, type ChildProcess } from "node:child_process";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import postgres from "postgres";
import { buildApp } from "../../tests/support/test-build";

export const ROOT = path.resolve(__dirname, "../..");
// Inside .next, which `next dev` does not watch (a build beside it made dev reload every page).
export const DIST_DIR = ".next/bench";
/** The V8 flags `npm start` gives the server (package.json): benchmarks measure what production runs. */
const SERVER_NODE_OPTIONS = "--max-semi-space-size=32";
export const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

/** Builds the app once per benchmark run, into its own folder. */
export function buildOnce(): void {
  if (process.env.BENCH_SKIP_BUILD && fs.existsSync(path.join(ROOT, DIST_DIR, "BUILD_ID"))) return;
  const marker = path.join(ROOT, DIST_DIR, ".bench-built");
  if (fs.existsSync(marker) && Number(fs.readFileSync(marker, "utf8")) === process.ppid) return;
  console.log("Building the app for benchmarks…");
  // With the bench routes (BENCH_ROUTES at build time, next.config.ts): no other build has them.
  buildApp(ROOT, DIST_DIR, { inherit: true, benchRoutes: true });
  fs.writeFileSync(marker, String(process.ppid));
}

/** A fresh Postgres database for one benchmark; dropped by the returned function. */
export async function freshDatabase(label: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `keepcard_bench_${label}_${Date.now().toString(36)}`;
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const sql = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
      await sql.unsafe(`drop database if exists ${name} with (force)`);
      await sql.end();
    },
  };
}

export type Server = {
  url: string;
  stop: () => Promise<void>;
  /** CPU seconds (user + system) used so far by the server's processes: its share of the machine, whatever else runs. */
  cpuSeconds: () => number;
  /** The server's process id (also its process group's: it is started detached). */
  pid: number;
  /** What the server printed so far (stdout and stderr). */
  output: () => string;
};

const TICKS_PER_SECOND = 100; // USER_HZ: 100 on Linux x86-64 and arm64

/**
 * Every live process's /proc/<pid>/stat: its command name and the fields after it, counted from
 * field 3 (state), so fields[2] is field 5 (process group) and fields[11..14] are fields 14–17 (utime,
 * stime, and the reaped children's cutime, cstime), in ticks.
 */
function* processStats(): Generator<{ comm: string; fields: string[] }> {
  for (const pid of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    } catch {
      continue; // gone meanwhile
    }
    // The command name may hold spaces and parentheses: it ends at the last ")".
    const close = stat.lastIndexOf(")");
    yield { comm: stat.slice(stat.indexOf("(") + 1, close), fields: stat.slice(close + 2).split(" ") };
  }
}

/**
 * CPU seconds used by every live process in a process group, from /proc (Linux). The server is
 * started detached, so `next start` and its workers share one group; Postgres is not in it.
 */
export function groupCpuSeconds(pgid: number): number {
  let ticks = 0;
  for (const { fields } of processStats()) if (Number(fields[2]) === pgid) ticks += Number(fields[11]) + Number(fields[12]);
  return ticks / TICKS_PER_SECOND;
}

/**
 * CPU seconds used so far by the local Postgres (postmaster, backends, WAL writer, checkpointer,
 * autovacuum), from /proc: what the database spends beside the server on the same two cores. A backend
 * that has exited is counted through the postmaster, which reaps it (its children's time). Zero when
 * Postgres runs elsewhere or under another name.
 */
export function postgresCpuSeconds(): number {
  let ticks = 0;
  for (const { comm, fields } of processStats()) {
    if (comm === "postgres") ticks += Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
  }
  return ticks / TICKS_PER_SECOND;
}

/** Stops a detached child's whole process group (SIGTERM), then gives it `graceMs` to go. */
export async function stopGroup(pid: number, graceMs = 200): Promise<void> {
  try {
    process.kill(-pid, "SIGTERM");
  } catch {
    /* gone */
  }
  await new Promise((r) => setTimeout(r, graceMs));
}

/** `next start` on the benchmark build, waiting until it answers. */
export async function startServer(opts: { port: number; databaseUrl: string; env?: Record<string, string>; nodeArgs?: string[] }): Promise<Server> {
  const port = benchPort(opts.port);
  const url = `http://127.0.0.1:${port}`;
  // With node flags (say --cpu-prof), next's own entry point runs in this node, not through npx.
  // BENCH_SERVER_NODE_ARGS adds flags Node refuses in NODE_OPTIONS (say --trace-gc, with BENCH_SERVER_LOG=1).
  const nodeArgs = opts.nodeArgs ?? process.env.BENCH_SERVER_NODE_ARGS?.split(/\s+/).filter(Boolean);
  const [command, args] = nodeArgs
    ? [process.execPath, [...nodeArgs, path.join(ROOT, "node_modules", "next", "dist", "bin", "next")]]
    : ["npx", ["next"]];
  const child: ChildProcess = spawn(command, [...args, "start", "--port", String(port), "--hostname", "127.0.0.1"], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      NODE_ENV: "production",
      NEXT_DIST_DIR: DIST_DIR,
      NEXT_TELEMETRY_DISABLED: "1",
      // As `npm start` runs the server (package.json): two malloc arenas (see README, Configuration).
      MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX ?? "2",
      // …and semi-spaces of up to 32 MB for the young generation (package.json, README).
      NODE_OPTIONS: `${SERVER_NODE_OPTIONS} ${process.env.NODE_OPTIONS ?? ""}`.trim(),
      DATABASE_URL: opts.databaseUrl,
      APP_URL: url,
      // A production build on loopback for measuring: BENCH_ROUTES and the http origin are warned about, not refused.
      LOCAL_TEST_SERVER: "1",
      AUTH_SECRET: process.env.AUTH_SECRET ?? "bench-secret-bench-secret-bench-secret",
      TOKEN_SIGNING_KEY: process.env.TOKEN_SIGNING_KEY ?? benchSigningKey(),
      // A throwaway key for secrets at rest: production refuses to start without one.
      ENCRYPTION_KEY: process.env.ENCRYPTION_KEY ?? `test:${randomBytes(32).toString("base64")}`,
      ...opts.env,
    },
    detached: true,
  });
  let output = "";
  // BENCH_SERVER_LOG=1 shows the server's own log (say, the cause of a 500) as it runs.
  const echo = process.env.BENCH_SERVER_LOG ? (d: Buffer) => process.stderr.write(d) : () => {};
  child.stdout?.on("data", (d: Buffer) => ((output += d), echo(d)));
  child.stderr?.on("data", (d: Buffer) => ((output += d), echo(d)));
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const res = await fetch(`${url}/api/v1/openapi.json`);
      if (res.ok) break;
    } catch {
      /* not up yet */
    }
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`next start did not come up:\n${output}`);
    await new Promise((r) => setTimeout(r, 300));
  }
  return {
    url,
    pid: child.pid!,
    output: () => output,
    cpuSeconds: () => groupCpuSeconds(child.pid!),
    stop: () => stopGroup(child.pid!, 500),
  };
}

/**
 * The port a bench server listens on. The benches name ports 3301–3309; with BENCH_PORT set (several
 * people benchmarking on one machine), 33xx becomes BENCH_PORT + (33xx − 3300), so BENCH_PORT=32040
 * puts them on 32041–32049.
 */
export function benchPort(port: number): number {
  const base = Number(process.env.BENCH_PORT);
  return Number.isInteger(base) && base > 0 ? base + (port - 3300) : port;
}

let signingKey: string | undefined;

/** Production refuses to start without a QR signing key; benchmarks make a throwaway one. */
function benchSigningKey(): string {
  signingKey ??= generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  return signingKey;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export function writeResult(name: string, result: unknown): string {
  const file = path.join(ROOT, "bench", "results", `${name}.json`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(result, null, 2) + "\n");
  return file;
}
