import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { TEST_BUILD_DIR } from "../support/test-build";

/**
 * `npm run dev` after the tests have built the app. The test builds used to sit beside .next in the
 * project root, where the dev server watched them and reloaded every page about nine times a second;
 * they now live under .next/, and a page opened in development loads once and stays.
 */

// The build this suite runs against (tests/e2e/server.ts made sure of it before any test started).
const e2eBuild = path.resolve(TEST_BUILD_DIR, "BUILD_ID");

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}

/** Polls until `check` holds, or fails with what the dev server printed. */
async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeout: number, output: () => string) {
  const deadline = Date.now() + timeout;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeout / 1000} s; npm run dev said:\n${output().slice(-4000)}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

test("after the test builds, npm run dev -p N says its port and a page loads once without reloading", async ({ page }) => {
  // The dev server compiles on first request, which takes minutes on a small, busy machine.
  test.setTimeout(12 * 60_000);
  expect(fs.existsSync(e2eBuild), "the suite's own build is there, as after `npm test`").toBe(true);

  const port = await freePort();
  const url = `http://localhost:${port}/sign-in`;
  // Its own embedded database and data folder, so it neither fights another process over .data nor changes it.
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "keepcard-dev-test-"));
  const env: NodeJS.ProcessEnv = { ...process.env, PGLITE_DIR: path.join(scratch, "pglite"), DATA_DIR: scratch, DEV_SEED: "0", NEXT_TELEMETRY_DISABLED: "1" };
  for (const name of ["DATABASE_URL", "APP_URL", "AUTH_URL", "PORT", "NODE_ENV", "NEXT_DIST_DIR"]) delete env[name];
  const dev = spawn("npm", ["run", "dev", "--", "-p", String(port)], { env, stdio: ["ignore", "pipe", "pipe"], detached: true });
  let output = "";
  dev.stdout.on("data", (d) => (output += d));
  dev.stderr.on("data", (d) => (output += d));
  const said = () => output;

  try {
    await waitFor(`the banner "Keepcard on http://localhost:${port}"`, () => output.includes(`Keepcard on http://localhost:${port}`) || dev.exitCode !== null, 4 * 60_000, said);
    expect(output, "the banner names the port asked for").toContain(`Keepcard on http://localhost:${port}`);
    // Warm up: the first request compiles the page (and fails while the server starts).
    const answers = async () => (await fetch(url, { signal: AbortSignal.timeout(5 * 60_000) }).catch(() => undefined))?.status === 200;
    await waitFor(`GET /sign-in answering 200`, answers, 8 * 60_000, said);

    // Every load of the page is a document request of the main frame (the app router's own history
    // updates also fire "framenavigated", but load nothing).
    let loads = 0;
    page.on("request", (request) => {
      if (request.isNavigationRequest() && request.frame() === page.mainFrame()) loads++;
    });
    await page.goto(url, { timeout: 2 * 60_000 });
    const email = page.getByLabel("Work email");
    await expect(email).toBeVisible({ timeout: 60_000 });
    await email.fill("owner@example.com");
    await page.waitForTimeout(10_000);
    expect(loads, `loads of /sign-in in ten seconds under next dev; npm run dev said:\n${output.slice(-4000)}`).toBe(1);
    await expect(email, "what the person typed is still there").toHaveValue("owner@example.com");
  } finally {
    // npm, tsx and next dev run in their own process group: stop all of them.
    if (dev.pid && dev.exitCode === null) {
      process.kill(-dev.pid, "SIGTERM");
      await new Promise((resolve) => {
        const timer = setTimeout(() => {
          try {
            process.kill(-dev.pid!, "SIGKILL");
          } catch {
            /* gone */
          }
          resolve(undefined);
        }, 15_000);
        dev.once("exit", () => {
          clearTimeout(timer);
          resolve(undefined);
        });
      });
    }
    fs.rmSync(scratch, { recursive: true, force: true });
  }
});
