// npm run dev — prepare the database (migrations; the demo data on first run of the embedded one), then `next dev`.
import { spawn } from "node:child_process";
import { closeDb, dbReady, getDbHandle } from "../db/client";
import { env } from "../lib/env";
import { generateDevWalletCerts } from "../wallet/dev-certs";
import path from "node:path";
import { readDemoKey } from "./demo-key";
import { seedIfEmpty } from "./seed";

async function main() {
  const handle = getDbHandle();
  await dbReady();
  if (handle.kind === "pglite") await seedIfEmpty();
  await closeDb();
  // Passes and save links work locally out of the box: development certificates, made once.
  if (!env.APPLE_PASS_CERT && !env.GOOGLE_WALLET_SERVICE_ACCOUNT) generateDevWalletCerts(env.WALLET_DEV_CERTS_DIR ?? path.join(env.DATA_DIR, "wallet"));

  const key = readDemoKey();
  console.log(
    [
      "",
      `  Keepcard on ${env.APP_URL}  (database: ${handle.kind === "pglite" ? `embedded, ${env.PGLITE_DIR}` : "Postgres"})`,
      key ? `  Demo API key: ${key}` : "",
      key ? `  Try: curl -H "Authorization: Bearer ${key}" ${env.APP_URL}/api/v1/programs` : "",
      handle.kind === "pglite" ? "  Dashboard: sign in as the demo owner from the sign-in page (development only)." : "",
      "",
    ]
      .filter((l) => l !== "")
      .join("\n") + "\n",
  );

  const port = new URL(env.APP_URL).port || "3000";
  const child = spawn("npx", ["next", "dev", "--port", port, ...process.argv.slice(2)], {
    stdio: "inherit",
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", DEMO_LOGIN: process.env.DEMO_LOGIN ?? (handle.kind === "pglite" ? "1" : "0") },
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
