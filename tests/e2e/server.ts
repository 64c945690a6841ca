/**
 * Builds and starts Keepcard for the end-to-end tests: the tests' shared build (built here unless
 * `npm run test:integration` left a fresh one), its own port and a fresh
 * database every run. Started by playwright.config.ts; not meant to be run by hand.
 */
import { spawn } from "node:child_process";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { startPaypalFake } from "../support/paypal-fake";
import { startStripeFake } from "../support/stripe-fake";
import { ensureTestBuild, TEST_BUILD_DIR } from "../support/test-build";

const root = process.cwd();
const port = process.env.E2E_PORT ?? "3107";
const origin = `http://localhost:${port}`;
const pgliteDir = path.join(".data", "pglite-e2e");
const nextBin = path.join(root, "node_modules", "next", "dist", "bin", "next");

const env: NodeJS.ProcessEnv = {
  ...process.env,
  NODE_ENV: "production",
  NEXT_TELEMETRY_DISABLED: "1",
  NEXT_DIST_DIR: TEST_BUILD_DIR,
  PORT: port,
  APP_URL: origin,
  AUTH_URL: origin,
  AUTH_SECRET: process.env.AUTH_SECRET ?? "e2e-only-secret-0123456789abcdef0123456789",
  DEV_OUTBOX: "1",
  // A production build on loopback for tests: DEV_OUTBOX and the http origin are warned about, not refused.
  LOCAL_TEST_SERVER: "1",
  // A throwaway QR signing key: production refuses to start without one.
  TOKEN_SIGNING_KEY:
    process.env.TOKEN_SIGNING_KEY ?? Buffer.from(generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }).toString()).toString("base64"),
  PGLITE_DIR: pgliteDir,
  // A throwaway key for secrets at rest: production refuses to start without one.
  ENCRYPTION_KEY: process.env.ENCRYPTION_KEY ?? `test:${randomBytes(32).toString("base64")}`,
};
/** Cashback payouts go to local fakes of Stripe and PayPal, in this process (the browser follows the Stripe fake's onboarding link too). */
async function startPayoutFakes() {
  const [stripeFake, paypalFake] = await Promise.all([startStripeFake(), startPaypalFake()]);
  return {
    STRIPE_SECRET_KEY: stripeFake.secretKey,
    STRIPE_API_BASE: stripeFake.url,
    STRIPE_WEBHOOK_SECRET: "whsec_e2e_only",
    PAYPAL_CLIENT_ID: paypalFake.clientId,
    PAYPAL_CLIENT_SECRET: paypalFake.clientSecret,
    PAYPAL_WEBHOOK_ID: paypalFake.webhookId,
    PAYPAL_API_BASE: paypalFake.url,
  };
}
// Email goes to the dev outbox, where the test reads the magic link.
delete env.RESEND_API_KEY;
if (process.env.E2E_DATABASE_URL) env.DATABASE_URL = process.env.E2E_DATABASE_URL;
else {
  delete env.DATABASE_URL;
  fs.rmSync(path.join(root, pgliteDir), { recursive: true, force: true });
}

void startPayoutFakes().then((payoutEnv) => {
  Object.assign(env, payoutEnv);
  try {
    ensureTestBuild(root, { inherit: true });
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }

  // Started without npx in between, so stopping this process stops the server too.
  // BENCH_ROUTES at run time only: the test build is made without it, so the bench route must not exist (a 404).
  // DEMO_LOGIN at run time too: the flags spec signs in as the demo owner, whose shop is seeded with suspicious activity.
  const server = spawn(process.execPath, [nextBin, "start", "-p", port], { cwd: root, env: { ...env, BENCH_ROUTES: "1", DEMO_LOGIN: "1" }, stdio: "inherit" });
  const stop = () => {
    server.kill("SIGTERM");
  };
  for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"] as const) process.on(signal, stop);
  process.on("exit", stop);
  server.on("exit", (code) => process.exit(code ?? 0));
});
