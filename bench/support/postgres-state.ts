// The state of the Postgres server a large-data benchmark runs on (bench/scale): its settings, and
// a running server's memory after a bulk load.
import postgres from "postgres";

/**
 * A server that has been running: the seed's writes checkpointed (not flushed during the
 * measurements), the tables and indexes an earn and the expiry touch read into memory (pg_prewarm:
 * indexes and cards into shared_buffers, the two big heaps into the OS cache). Without it every earn
 * on a random one of a million cards read cold pages the seed had pushed out, which measures a
 * restart, not the size of the data.
 */
export async function steadyState(url: string) {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  const t = performance.now();
  try {
    await sql`checkpoint`;
    await sql`create extension if not exists pg_prewarm`;
    const rels = await sql<{ name: string; heap: boolean }[]>`
      select c.relname as name, c.relkind = 'r' as heap from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind in ('r', 'i')
        and (c.relname in ('cards', 'ledger_entries', 'point_lots', 'outbox_events')
             or c.oid in (select indexrelid from pg_index where indrelid in ('cards'::regclass, 'ledger_entries'::regclass, 'point_lots'::regclass)))`;
    const relations: string[] = [];
    for (const r of rels) {
      const osCache = r.heap && r.name !== "cards";
      await sql`select pg_prewarm(${r.name}::regclass, ${osCache ? "read" : "buffer"})`;
      relations.push(`${r.name} (${osCache ? "OS cache" : "shared_buffers"})`);
    }
    return { seconds: Math.round((performance.now() - t) / 100) / 10, relations };
  } finally {
    await sql.end();
  }
}

/** The server settings that decide how much of 10M entries stays in memory and how often checkpoints come. */
export async function postgresSettings(url: string): Promise<Record<string, string>> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const names = ["server_version", "shared_buffers", "max_wal_size", "checkpoint_timeout", "wal_compression", "effective_cache_size", "work_mem"];
    const rows = await sql<{ name: string; value: string }[]>`select name, current_setting(name) as value from pg_settings where name in ${sql(names)}`;
    return Object.fromEntries(rows.map((r) => [r.name, r.value]));
  } finally {
    await sql.end();
  }
}

/**
 * Autovacuum on for a benchmark that models a running production server (the soak): a CI-style
 * server may have it off (this machine's does, for quicker tests), and without it every updated or
 * deleted row stays in its table and indexes and the statistics stay those of the empty database,
 * so reads slow down minute by minute in a way no production Postgres shows. Turned on with ALTER
 * SYSTEM and a reload when off (it needs a superuser, else the run records that it stayed off), and
 * `restore` puts the server back as it was.
 */
export async function autovacuumOn(url: string): Promise<{ setting: string; restore: () => Promise<void> }> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const [row] = await sql<{ autovacuum: string }[]>`show autovacuum`;
    if (row?.autovacuum === "on") return { setting: "on (as the server had it)", restore: async () => {} };
    try {
      await sql`alter system set autovacuum = on`;
      await sql`select pg_reload_conf()`;
    } catch (error) {
      return { setting: `off (could not turn it on: ${error instanceof Error ? error.message : error})`, restore: async () => {} };
    }
    return {
      setting: "on for this run (the server had it off; put back after)",
      restore: async () => {
        const admin = postgres(url, { max: 1, onnotice: () => {} });
        try {
          await admin`alter system reset autovacuum`;
          await admin`select pg_reload_conf()`;
        } finally {
          await admin.end();
        }
      },
    };
  } finally {
    await sql.end();
  }
}
