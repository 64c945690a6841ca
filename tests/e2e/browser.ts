/**
 * Which Chromium the browser tests run in, first that starts wins:
 *   1. PLAYWRIGHT_CHROMIUM_PATH (when set, it is the only one tried),
 *   2. Debian's /usr/bin/chromium (what .ci/run installs),
 *   3. Playwright's own download (`npx playwright install chromium`),
 *   4. the Chromium inside the @sparticuz/chromium devDependency (Linux x64), unpacked into the temp folder,
 * so `npm ci && npm test` passes on a machine with only Node and npm.
 * Used by playwright.config.ts, which must have its answer synchronously.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { chromium } from "@playwright/test";

export type FoundBrowser = { source: string; executablePath: string; args: string[] };

export type BrowserSources = {
  /** PLAYWRIGHT_CHROMIUM_PATH; unset or empty means "look for one". */
  override: string | undefined;
  debian: string;
  /** Where Playwright's own Chromium is (or would be) installed. */
  playwright: () => string;
  /** false where @sparticuz/chromium has no browser (anything but Linux x64). */
  sparticuz: boolean;
};

const ROOT = path.resolve(__dirname, "../..");

export const defaultSources = (): BrowserSources => ({
  override: process.env.PLAYWRIGHT_CHROMIUM_PATH || undefined,
  debian: "/usr/bin/chromium",
  playwright: () => chromium.executablePath(),
  sparticuz: process.platform === "linux" && process.arch === "x64",
});

/** Flags for every browser the tests use: no background traffic, no first-run dialogs. */
export const BASE_ARGS = ["--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic", "--disable-dev-shm-usage"];

// @sparticuz/chromium's flags are made for AWS Lambda. Its graphics (SwiftShader) and font flags are
// kept. Dropped: headless, which Playwright decides; single-process and no-zygote, so the browser runs
// multi-process like a person's (it starts so on this kind of machine); its feature lists, which would
// replace Playwright's own (Chromium keeps the last --disable-features); and the flags that lift the
// same-origin policy and site isolation, which would hide bugs the tests are there to catch.
const SPARTICUZ_DROPPED = [
  "--headless",
  "--single-process",
  "--no-zygote",
  "--disable-features=",
  "--enable-features=",
  "--disable-web-security",
  "--allow-running-insecure-content",
  "--disable-site-isolation-trials",
];

export class NoBrowserError extends Error {}

/** Why the executable cannot start, or undefined when `--version` answers. */
function cannotStart(executablePath: string): string | undefined {
  if (!fs.existsSync(executablePath)) return "not found";
  const run = spawnSync(executablePath, ["--version"], { encoding: "utf8", timeout: 30_000 });
  if (run.error) return run.error.message;
  if (run.status !== 0) return (run.stderr || run.stdout || `exit ${run.status}`).trim().split("\n")[0];
  return undefined;
}

/** Unpacks @sparticuz/chromium's browser (once; later calls find it in the temp folder). */
function unpackSparticuz(): { executablePath: string; args: string[] } | string {
  // Its executablePath() is async and the Playwright config is not, so it runs in a child process.
  const script =
    'const c = require("@sparticuz/chromium");' +
    "c.executablePath().then((p) => process.stdout.write(JSON.stringify({ executablePath: p, args: c.args })), (e) => { process.stderr.write(String(e && e.message || e)); process.exit(1); });";
  const run = spawnSync(process.execPath, ["-e", script], { cwd: ROOT, encoding: "utf8", timeout: 180_000 });
  if (run.status !== 0) return /Cannot find module/.test(run.stderr) ? "not installed (npm ci installs it)" : (run.stderr || String(run.error)).trim().split("\n")[0]!;
  const found = JSON.parse(run.stdout) as { executablePath: string; args: string[] };
  return { executablePath: found.executablePath, args: found.args.filter((a) => !SPARTICUZ_DROPPED.some((d) => a.startsWith(d))) };
}

/** The first Chromium that starts, or a NoBrowserError whose message is one line saying what to install. */
export function findChromium(sources: BrowserSources = defaultSources()): FoundBrowser {
  if (sources.override) {
    const why = cannotStart(sources.override);
    if (why) throw new NoBrowserError(`PLAYWRIGHT_CHROMIUM_PATH=${sources.override} does not start (${why}); point it at a Chromium or unset it.`);
    return { source: "PLAYWRIGHT_CHROMIUM_PATH", executablePath: sources.override, args: BASE_ARGS };
  }
  const tried: string[] = [];
  const debianWhy = cannotStart(sources.debian);
  if (!debianWhy) return { source: sources.debian, executablePath: sources.debian, args: BASE_ARGS };
  tried.push(`${sources.debian}: ${debianWhy}`);

  const own = sources.playwright();
  const ownWhy = cannotStart(own);
  if (!ownWhy) return { source: "Playwright's Chromium", executablePath: own, args: BASE_ARGS };
  tried.push(`Playwright's Chromium: ${ownWhy === "not found" ? "not installed" : ownWhy}`);

  if (sources.sparticuz) {
    const packed = unpackSparticuz();
    const why = typeof packed === "string" ? packed : cannotStart(packed.executablePath);
    if (typeof packed !== "string" && !why) return { source: "@sparticuz/chromium", executablePath: packed.executablePath, args: [...BASE_ARGS, ...packed.args] };
    tried.push(`@sparticuz/chromium: ${why}`);
  } else tried.push(`@sparticuz/chromium: no browser for ${process.platform}-${process.arch}`);

  throw new NoBrowserError(
    `No Chromium for the browser tests (${tried.join("; ")}). Install one: \`apt-get install chromium\`, or \`npx playwright install --with-deps chromium\`, or set PLAYWRIGHT_CHROMIUM_PATH.`,
  );
}
