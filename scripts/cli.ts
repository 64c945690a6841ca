// npm run cli -- <command> — operator commands for a self-hosted install.
import { parseArgs } from "node:util";
import { eq } from "drizzle-orm";
import { closeDb, dbReady, EmbeddedDbBusyError } from "../db/client";
import { merchants } from "../db/schema";
import type { ApiScope } from "../lib/api-keys/scopes";
import { createApiKey } from "../lib/api-keys/verbs";
import { systemActor } from "../lib/context";
import { rotateStoredSecrets } from "../lib/crypto/rotate";
import { createMerchant } from "../lib/merchants/verbs";

const USAGE = `Usage:
  npm run cli -- merchant create --name "Shop name" --owner owner@example.com [--currency EUR] [--timezone Europe/Berlin]
  npm run cli -- api-key create --merchant <merchant id> [--name "POS"] [--scopes read,earn,redeem,manage] [--location <location id>]
  npm run cli -- merchant list
  npm run cli -- secrets rotate      re-encrypt stored secrets and OAuth tokens under the current ENCRYPTION_KEY`;

class UsageError extends Error {}

async function run(argv: string[]): Promise<unknown> {
  const [noun, verb, ...rest] = argv;
  const { values } = parseArgs({
    args: rest,
    options: { name: { type: "string" }, scopes: { type: "string" }, location: { type: "string" }, owner: { type: "string" }, merchant: { type: "string" }, currency: { type: "string" }, timezone: { type: "string" } },
    strict: true,
  });
  const command = `${noun ?? ""} ${verb ?? ""}`.trim();
  if (command === "merchant create") {
    if (!values.name || !values.owner) throw new UsageError("merchant create needs --name and --owner");
    const db = await dbReady();
    const actor = systemActor("cli");
    const { merchant } = await createMerchant(db, { name: values.name, ownerEmail: values.owner, currency: values.currency, timezone: values.timezone }, actor);
    const { apiKey, key } = await createApiKey({ db, merchantId: merchant.id, actor, source: "cli" }, { name: "Created by CLI" });
    return { merchant, apiKey: { id: apiKey.id, name: apiKey.name, key } };
  }
  if (command === "api-key create") {
    if (!values.merchant) throw new UsageError("api-key create needs --merchant");
    const db = await dbReady();
    const [merchant] = await db.select().from(merchants).where(eq(merchants.id, values.merchant));
    if (!merchant) throw new UsageError(`no merchant ${values.merchant}`);
    const { apiKey, key } = await createApiKey(
      { db, merchantId: merchant.id, actor: systemActor("cli"), source: "cli" },
      {
        name: values.name ?? "Created by CLI",
        // Comma-separated; every scope when not given. An unknown one is refused as invalid input.
        scopes: values.scopes?.split(",").map((s) => s.trim()) as ApiScope[] | undefined,
        locationId: values.location,
      },
    );
    return { apiKey: { id: apiKey.id, name: apiKey.name, merchantId: merchant.id, scopes: apiKey.scopes, locationId: apiKey.locationId, key } };
  }
  if (command === "merchant list") {
    const db = await dbReady();
    return { data: await db.select({ id: merchants.id, name: merchants.name, createdAt: merchants.createdAt }).from(merchants) };
  }
  if (command === "secrets rotate") {
    return { reencrypted: await rotateStoredSecrets(await dbReady()) };
  }
  throw new UsageError(command ? `unknown command: ${command}` : "no command given");
}

run(process.argv.slice(2))
  .then(async (result) => {
    console.log(JSON.stringify(result, null, 2));
    await closeDb();
  })
  .catch(async (error) => {
    if (error instanceof UsageError || (error instanceof TypeError && "code" in error && String(error.code).startsWith("ERR_PARSE_ARGS"))) {
      console.error(`${error.message}\n\n${USAGE}`);
      process.exit(2);
    }
    if (error instanceof EmbeddedDbBusyError) {
      console.error(error.message);
      process.exit(3);
    }
    if (error && typeof error === "object" && "issues" in error) {
      console.error(`Invalid input: ${JSON.stringify((error as { issues: unknown }).issues)}`);
      process.exit(2);
    }
    console.error(error instanceof Error ? error.message : error);
    await closeDb().catch(() => {});
    process.exit(1);
  });
