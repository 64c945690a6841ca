// npm run db:seed — load the demo coffee shop (skipped when it is already there).
import { closeDb, dbReady, getDbHandle } from "../db/client";
import { findDemoMerchant, seedDemo } from "../lib/demo/seed";
import { saveDemoKey } from "./demo-key";

export async function seedIfEmpty(log = console.log): Promise<string | null> {
  const db = await dbReady();
  if (await findDemoMerchant(db)) return null;
  log("Seeding the demo coffee shop (Bean There Coffee, 200 customers, five months of history)…");
  const started = Date.now();
  const { apiKey } = await seedDemo(db, { log });
  saveDemoKey(apiKey);
  log(`Seeded in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
  return apiKey;
}

async function main() {
  const kind = getDbHandle().kind;
  const key = await seedIfEmpty();
  if (key) console.log(`\nDemo API key (${kind}): ${key}\n`);
  else console.log("The demo merchant is already there; nothing to do.");
  await closeDb();
}

if (process.argv[1]?.endsWith("seed.ts")) {
  main().catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
