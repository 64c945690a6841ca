import { defineConfig, devices } from "@playwright/test";
import { findChromium, NoBrowserError } from "./tests/e2e/browser";

/**
 * End-to-end tests in Chromium (found by tests/e2e/browser.ts) against a production build of the
 * app, started here on its own port, build folder and fresh database (tests/e2e/server.ts), so
 * `npm run test:e2e` works from a clean clone. Set E2E_DATABASE_URL to use a Postgres server instead
 * of the embedded database, PLAYWRIGHT_CHROMIUM_PATH for another browser, TEST_REUSE_BUILD=1 to reuse
 * the test build even when a source file is newer (it is rebuilt then otherwise; tests/support/test-build.ts).
 */
const browser = (() => {
  try {
    const found = findChromium();
    // Said once, by the runner (the workers load this file too).
    if (process.env.TEST_WORKER_INDEX === undefined) console.log(`Browser: ${found.source} (${found.executablePath})`);
    return found;
  } catch (error) {
    if (!(error instanceof NoBrowserError)) throw error;
    // Before the build starts: one line that says what to install, and a failed run.
    console.error(error.message);
    process.exit(1);
  }
})();
const port = Number(process.env.E2E_PORT ?? 3107);
// localhost, not 127.0.0.1: Next builds request URLs on localhost, and the session cookie must match.
const baseURL = `http://localhost:${port}`;

export default defineConfig({
  testDir: "tests/e2e",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 180_000,
  expect: { timeout: 15_000 },
  reporter: [["list"], ["html", { open: "never", outputFolder: "playwright-report" }]],
  outputDir: "test-results",
  use: {
    baseURL,
    screenshot: "only-on-failure",
    trace: "retain-on-failure",
    launchOptions: { executablePath: browser.executablePath, args: browser.args },
  },
  projects: [{ name: "chromium", use: { ...devices["Desktop Chrome"], channel: undefined } }],
  webServer: {
    command: "node --import tsx tests/e2e/server.ts",
    url: `${baseURL}/sign-in`,
    timeout: 20 * 60_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
    env: { E2E_PORT: String(port) },
  },
});
