// npm run dev — prepare the database (migrations; the demo data on first run of the embedded one), then `next dev`.
// `npm run dev -- -p 3930` (or PORT=3930) serves on that port, and the banner and links say so.
import { spawn } from "node:child_process";
import fs from "node:fs";
import { parseEnv } from "node:util";
import { closeDb, dbReady, getDbHandle } from "../db/client";
import { env } from "../lib/env";
import { generateDevWalletCerts } from "../wallet/dev-certs";
import path from "node:path";
import { readDemoKey } from "./demo-key";
import { seedIfEmpty } from "./seed";

/** `-p N`, `--port N` or `--port=N` from the command line, and the other arguments. */
function splitPortArg(args: string[]): { port: string | undefined; rest: string[] } {
  let port: string | undefined;
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "-p" || arg === "--port") port = args[++i];
    else if (arg.startsWith("--port=")) port = arg.slice("--port=".length);
    else rest.push(arg);
  }
  return { port, rest };
}

// Test builds of older versions lived in the project root, where `next dev` watched them and reloaded
// every page several times a second. They are build output only; the test helpers now build under .next/.
function removeOldTestBuilds() {
  for (const dir of [".next-e2e", ".next-wallet", ".next-bench"]) {
    if (!fs.existsSync(dir)) continue;
    fs.rmSync(dir, { recursive: true, force: true });
    console.log(`  Removed ${dir}/ (an old test build that made next dev reload every page)`);
  }
}

/** APP_URL when it was set on purpose: in the environment, or in a .env file that `next dev` loads. */
function explicitAppUrl(): string | undefined {
  if (process.env.APP_URL) return process.env.APP_URL;
  for (const file of [".env.development.local", ".env.local", ".env.development", ".env"]) {
    const value = fs.existsSync(file) ? parseEnv(fs.readFileSync(file, "utf8")).APP_URL : undefined;
    if (value) return value;
  }
  return undefined;
}

async function main() {
  removeOldTestBuilds();
  const args = splitPortArg(process.argv.slice(2));
  const configured = explicitAppUrl();
  const port = args.port ?? process.env.PORT ?? ((configured ? new URL(configured).port : "") || "3000");
  const local = `http://localhost:${port}`;
  // Links in emails, passes and QR codes use APP_URL: follow the port unless APP_URL was set on purpose.
  const appUrl = configured ?? local;

  const handle = getDbHandle();
  await dbReady();
  // DEV_SEED=0 starts on an empty embedded database (the browser test of the dev server does).
  if (handle.kind === "pglite" && process.env.DEV_SEED !== "0") await seedIfEmpty();
  await closeDb();
  // Passes and save links work locally out of the box: development certificates, made once.
  if (!env.APPLE_PASS_CERT && !env.GOOGLE_WALLET_SERVICE_ACCOUNT) generateDevWalletCerts(env.WALLET_DEV_CERTS_DIR ?? path.join(env.DATA_DIR, "wallet"));

  const key = readDemoKey();
  console.log(
    [
      "",
      `  Keepcard on ${local}${appUrl === local ? "" : ` (links use APP_URL ${appUrl})`}  (database: ${handle.kind === "pglite" ? `embedded, ${env.PGLITE_DIR}` : "Postgres"})`,
      key ? `  Demo API key: ${key}` : "",
      key ? `  Try: curl -H "Authorization: Bearer ${key}" ${local}/api/v1/programs` : "",
      handle.kind === "pglite" ? "  Dashboard: sign in as the demo owner from the sign-in page (development only)." : "",
      "",
    ]
      .filter((l) => l !== "")
      .join("\n") + "\n",
  );

  const child = spawn("npx", ["next", "dev", "--port", port, ...args.rest], {
    stdio: "inherit",
    env: { ...process.env, APP_URL: appUrl, NEXT_TELEMETRY_DISABLED: "1", DEMO_LOGIN: process.env.DEMO_LOGIN ?? (handle.kind === "pglite" ? "1" : "0") },
  });
  const stop = (signal: NodeJS.Signals) => child.kill(signal);
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  child.on("exit", (code) => process.exit(code ?? 0));
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
