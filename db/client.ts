import fs from "node:fs";
import path from "node:path";
import { sql, type SQL } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from "drizzle-orm/pg-core";
import type { ExtractTablesWithRelations } from "drizzle-orm";
import { env } from "../lib/env";
import { runWithCommitHooks, settleCommitHooks } from "./commit";
import * as schema from "./schema";

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
export type Executor = Db | Tx;

export const migrationsFolder = path.join(process.cwd(), "db", "migrations");

type Handle = {
  db: Db;
  kind: "postgres" | "pglite";
  /** LISTEN on a channel; returns a function that stops listening. */
  listen(channel: string, onMessage: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
  ready: Promise<void>;
};

const globalForDb = globalThis as unknown as { __keepcardDb?: Handle };

/** The process-wide database: Postgres when DATABASE_URL is set, embedded PGlite otherwise. */
export function getDbHandle(): Handle {
  globalForDb.__keepcardDb ??= open();
  return globalForDb.__keepcardDb;
}

export function getDb(): Db {
  return getDbHandle().db;
}

/** Resolves once migrations have been applied in this process. */
export async function dbReady(): Promise<Db> {
  const handle = getDbHandle();
  await handle.ready;
  return handle.db;
}

export async function closeDb(): Promise<void> {
  // What waits for a commit (live views' notifications, db/commit.ts) still needs the database.
  await settleCommitHooks();
  const handle = globalForDb.__keepcardDb;
  globalForDb.__keepcardDb = undefined;
  if (handle) await handle.close();
}

function open(): Handle {
  return env.DATABASE_URL ? openPostgres(env.DATABASE_URL) : openEmbedded(env.PGLITE_DIR).handle;
}

/**
 * Extensions the migrations use, created before them (drizzle-kit generates no CREATE EXTENSION):
 * pg_trgm for the member search's trigram indexes. Managed Postgres (RDS, Neon) allows it; on a
 * server where the app's role may not create extensions, an administrator runs this once.
 */
const EXTENSIONS = "create extension if not exists pg_trgm";
type PgClient = import("postgres").Sql;

/**
 * The postgres.js client as drizzle sees it, with every query a named prepared statement. drizzle
 * sends its queries through `unsafe(text, params, { prepare: false })`, and postgres.js runs an
 * unprepared query with parameters as Parse + Describe, a wait for the parameter types, then Bind +
 * Execute: two round trips, and Postgres parses and plans the text every time. Prepared, each
 * connection parses a statement once (keyed by its text and parameter types) and afterwards sends
 * only Bind + Execute, and Postgres reuses the plan. The texts are the app's own (values are always
 * parameters), so their number is bounded by the shapes of its queries; a statement with more than
 * PREPARE_MAX_PARAMS parameters (bulk inserts, long `in` lists, whose text varies with the batch) is
 * left unprepared, so a connection does not keep one for every batch size. Transactions and
 * savepoints hand drizzle a client of their own: wrapped the same way.
 */
const PREPARE_MAX_PARAMS = 100;

function preparing<T extends PgClient>(client: T): T {
  return new Proxy(client, {
    get(target, property, receiver) {
      if (property === "unsafe") {
        return (text: string, params?: unknown[], options?: Record<string, unknown>) =>
          target.unsafe(text, params as never, { ...options, prepare: (params?.length ?? 0) <= PREPARE_MAX_PARAMS });
      }
      if (property === "begin" || property === "savepoint") {
        return (...args: unknown[]) => {
          const fn = args.pop() as (tx: PgClient) => unknown;
          const open = (target as unknown as Record<string, (...a: unknown[]) => unknown>)[property]!;
          return open(...args, (tx: PgClient) => fn(preparing(tx)));
        };
      }
      return Reflect.get(target, property, receiver) as unknown;
    },
  });
}

/** Every outermost transaction of the app's database runs what waited for its commit (db/commit.ts) once it has committed. */
function withCommitHooks(db: Db): Db {
  const transaction = db.transaction.bind(db);
  db.transaction = ((fn, config) => runWithCommitHooks(() => transaction(fn, config))) as Db["transaction"];
  return db;
}

/** Advisory lock key held while migrating ("kcmigrat" as a number). */
const MIGRATION_LOCK = 7_161_609_234_117;

function openPostgres(url: string): Handle {
  // Loaded lazily so an embedded install never needs the driver's sockets, and vice versa.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const postgres = require("postgres") as typeof import("postgres");
  const { drizzle } = require("drizzle-orm/postgres-js") as typeof import("drizzle-orm/postgres-js");
  const { migrate } = require("drizzle-orm/postgres-js/migrator") as typeof import("drizzle-orm/postgres-js/migrator");
  /* eslint-enable @typescript-eslint/no-require-imports */
  const client = postgres(url, { max: env.DATABASE_POOL_MAX, onnotice: () => {} });
  const db = withCommitHooks(drizzle(env.DATABASE_PREPARE ? preparing(client) : client, { schema }) as unknown as Db);
  // Several app instances (or test workers) may start at once: one migrates while the others wait.
  // The lock lives on its own connection, so it works whatever the pool size.
  const ready = (async () => {
    const lock = postgres(url, { max: 1, onnotice: () => {} });
    try {
      await lock`select pg_advisory_lock(${MIGRATION_LOCK})`;
      await lock.unsafe(EXTENSIONS);
      await migrate(drizzle(client, { schema }), { migrationsFolder });
    } finally {
      await lock.end({ timeout: 5 });
    }
  })();
  return {
    db,
    kind: "postgres",
    ready,
    async listen(channel, onMessage) {
      const sub = await client.listen(channel, (payload) => onMessage(payload));
      return () => sub.unlisten();
    },
    close: () => client.end({ timeout: 5 }),
  };
}

function openEmbedded(dir: string) {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { PGlite } = require("@electric-sql/pglite") as typeof import("@electric-sql/pglite");
  const { drizzle } = require("drizzle-orm/pglite") as typeof import("drizzle-orm/pglite");
  const { migrate } = require("drizzle-orm/pglite/migrator") as typeof import("drizzle-orm/pglite/migrator");
  /* eslint-enable @typescript-eslint/no-require-imports */
  const inMemory = dir.startsWith("memory://");
  if (!inMemory) {
    fs.mkdirSync(dir, { recursive: true });
    holdLock(dir);
  }
  const { pg_trgm } = require("@electric-sql/pglite/contrib/pg_trgm") as typeof import("@electric-sql/pglite/contrib/pg_trgm"); // eslint-disable-line @typescript-eslint/no-require-imports
  // An in-memory database may start as a copy of a migrated one (PGLITE_SNAPSHOT), which skips
  // initdb's work and the migrations: about 3 s of each integration test file.
  const loadDataDir = inMemory && env.PGLITE_SNAPSHOT ? new Blob([fs.readFileSync(env.PGLITE_SNAPSHOT)]) : undefined;
  const client = new PGlite(inMemory ? dir : path.resolve(dir), { extensions: { pg_trgm }, loadDataDir });
  const db = withCommitHooks(drizzle(client, { schema }) as unknown as Db);
  const ready = (async () => {
    await client.exec(EXTENSIONS);
    await migrate(drizzle(client, { schema }), { migrationsFolder });
  })();
  const handle: Handle = {
    db,
    kind: "pglite",
    ready,
    async listen(channel, onMessage) {
      return client.listen(channel, onMessage);
    },
    async close() {
      await client.close();
      if (!inMemory) releaseLock(dir);
    },
  };
  return { handle, client };
}

/**
 * Writes an empty, migrated in-memory database to `file` as a tarball that PGLITE_SNAPSHOT can name
 * (the integration tests make one before their files start).
 */
export async function writeEmbeddedSnapshot(file: string): Promise<void> {
  const { handle, client } = openEmbedded("memory://");
  try {
    await handle.ready;
    const tarball = await client.dumpDataDir("none");
    fs.writeFileSync(file, Buffer.from(await tarball.arrayBuffer()));
  } finally {
    await handle.close();
  }
}

/** Thrown when another process already has the embedded database open. */
export class EmbeddedDbBusyError extends Error {
  constructor(
    public readonly pid: number,
    dir: string,
  ) {
    super(
      `The embedded database in ${dir} is in use by another Keepcard process (pid ${pid}), probably a running server.\n` +
        `Stop that process first, or point both at a real Postgres with DATABASE_URL.`,
    );
  }
}

function lockPath(dir: string) {
  return path.join(path.resolve(dir), "..", `${path.basename(dir)}.lock`);
}

function holdLock(dir: string) {
  const file = lockPath(dir);
  try {
    const pid = Number(fs.readFileSync(file, "utf8"));
    if (pid && pid !== process.pid && isAlive(pid)) throw new EmbeddedDbBusyError(pid, dir);
  } catch (error) {
    if (error instanceof EmbeddedDbBusyError) throw error;
  }
  fs.writeFileSync(file, String(process.pid));
  process.once("exit", () => releaseLock(dir));
}

function releaseLock(dir: string) {
  try {
    if (Number(fs.readFileSync(lockPath(dir), "utf8")) === process.pid) fs.unlinkSync(lockPath(dir));
  } catch {
    /* already gone */
  }
}

function isAlive(pid: number) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Raw SQL returning rows on both drivers (postgres.js gives an array, PGlite `{ rows }`). */
export async function queryRows<T extends Record<string, unknown>>(db: Executor, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown;
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

export { sql };
