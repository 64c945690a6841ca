import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

/**
 * The production build the tests run `next start` on: Apple's web service test
 * (tests/support/wallet-server.ts) and the browser tests (tests/e2e/server.ts) share it, so
 * `npm test` builds the app once. It lives inside .next, which `next dev` does not watch.
 *
 * The build reads nothing from the environment but NODE_ENV and next.config.ts's own switches
 * (BENCH_ROUTES adds the bench routes: never set here); every page and route is dynamic, so the
 * origin, keys and databases each test server needs are given at `next start`, not baked in.
 */
export const TEST_BUILD_DIR = ".next/test";

/** What the app is built from: a file here newer than the build makes it stale. */
const SOURCES = ["app", "lib", "wallet", "db", "components", "jobs", "public", "auth.ts", "proxy.ts", "instrumentation.ts", "next.config.ts", "postcss.config.mjs", "package.json", "package-lock.json"];

function newestSource(root: string): number {
  let newest = 0;
  const walk = (p: string) => {
    const st = fs.statSync(p, { throwIfNoEntry: false });
    if (!st) return;
    if (st.isDirectory()) for (const e of fs.readdirSync(p)) walk(path.join(p, e));
    else newest = Math.max(newest, st.mtimeMs);
  };
  for (const s of SOURCES) walk(path.join(root, s));
  return newest;
}

/**
 * Builds the app into TEST_BUILD_DIR unless a build newer than every source is there already
 * (TEST_REUSE_BUILD=1 takes any existing build). Prints the build's output when `inherit` is set.
 */
export function ensureTestBuild(root = process.cwd(), opts: { inherit?: boolean } = {}): void {
  const buildId = path.join(root, TEST_BUILD_DIR, "BUILD_ID");
  const built = fs.statSync(buildId, { throwIfNoEntry: false });
  if (built && (process.env.TEST_REUSE_BUILD === "1" || built.mtimeMs > newestSource(root))) return;
  buildApp(root, TEST_BUILD_DIR, opts);
}

/**
 * `next build` of the app into `distDir` as production builds it: the one way the tests and the
 * benchmarks (bench/support/server.ts, with `benchRoutes`) build. BENCH_ROUTES decides at build time
 * whether the bench routes exist (next.config.ts): set only when asked for.
 */
export function buildApp(root: string, distDir: string, opts: { inherit?: boolean; benchRoutes?: boolean } = {}): void {
  // `next build` rewrites tsconfig.json to include its build folder's types; put the shared file back.
  const tsconfig = path.join(root, "tsconfig.json");
  const before = fs.readFileSync(tsconfig, "utf8");
  const env: NodeJS.ProcessEnv = { ...process.env, NEXT_DIST_DIR: distDir, NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: "production" };
  if (opts.benchRoutes) env.BENCH_ROUTES = "1";
  else delete env.BENCH_ROUTES;
  const result = spawnSync(process.execPath, [path.join(root, "node_modules", "next", "dist", "bin", "next"), "build"], {
    cwd: root,
    env,
    encoding: "utf8",
    stdio: opts.inherit ? "inherit" : "pipe",
    timeout: 900_000,
  });
  if (fs.readFileSync(tsconfig, "utf8") !== before) fs.writeFileSync(tsconfig, before);
  if (result.status !== 0) throw new Error(`next build failed:\n${(result.stdout ?? "").slice(-3000)}\n${(result.stderr ?? "").slice(-3000)}`);
}
