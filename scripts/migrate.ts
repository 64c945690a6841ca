// npm run db:migrate — apply committed migrations to DATABASE_URL, or to the embedded database.
import { closeDb, dbReady, getDbHandle } from "../db/client";

async function main() {
  const kind = getDbHandle().kind;
  await dbReady();
  console.log(`Migrations applied (${kind === "postgres" ? "Postgres" : "embedded PGlite"}).`);
  await closeDb();
}

main().catch(async (error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
