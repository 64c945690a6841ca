import postgres from "postgres";

// On Postgres each integration test file gets a database of its own, copied from a template the
// global setup migrates once (`CREATE DATABASE … TEMPLATE`, a file copy on the server). Files then
// cannot see each other's rows: a pass over every business (expiry, the outbox sweep, the fraud
// sweep, the digest) touches only what its own file made, as on PGlite, where each file has its own
// in-memory copy. This module imports nothing of the app: lib/env.ts reads DATABASE_URL once, so the
// URL must be set before the app is first imported.

const TEMPLATE_ENV = "KEEPCARD_TEST_TEMPLATE";

function adminUrl(): string {
  return process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
}

function urlFor(database: string): string {
  const url = new URL(adminUrl());
  url.pathname = `/${database}`;
  return url.toString();
}

async function asAdmin<T>(run: (sql: postgres.Sql) => Promise<T>): Promise<T> {
  const sql = postgres(adminUrl(), { max: 1, onnotice: () => {} });
  try {
    return await run(sql);
  } finally {
    await sql.end();
  }
}

/** Creates the empty template database; returns its URL. The global setup migrates it, then closes every connection. */
export async function createTemplate(): Promise<{ name: string; url: string }> {
  const name = `keepcard_test_${process.pid}_${Date.now().toString(36)}`;
  await asAdmin((sql) => sql.unsafe(`CREATE DATABASE ${name}`));
  process.env[TEMPLATE_ENV] = name;
  return { name, url: urlFor(name) };
}

/** Drops the template and every copy made of it (a copy left by a file that crashed included). */
export async function dropTemplateAndCopies(template: string): Promise<void> {
  await asAdmin(async (sql) => {
    const copies = await sql<{ datname: string }[]>`select datname from pg_database where datname like ${`${template}\\_f%`}`;
    for (const { datname } of copies) await sql.unsafe(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
    await sql.unsafe(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
  });
}

/**
 * Copies the template for the test file running in this process and points DATABASE_URL at the
 * copy. Returns what drops it once the file's connections are closed.
 */
export async function databaseForThisFile(): Promise<() => Promise<void>> {
  const template = process.env[TEMPLATE_ENV];
  if (!template) throw new Error(`${TEMPLATE_ENV} is not set: run integration tests through vitest's global setup (tests/support/global-setup.ts)`);
  const name = `${template}_f${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  // Two files may copy at once; Postgres refuses a copy while another session is connected to the
  // template, which only the global setup ever was (and it has closed its connections).
  await asAdmin((sql) => sql.unsafe(`CREATE DATABASE ${name} TEMPLATE ${template}`));
  process.env.DATABASE_URL = urlFor(name);
  return () => asAdmin((sql) => sql.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined);
}
