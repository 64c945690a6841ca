import { PgDialect } from "drizzle-orm/pg-core";
import type { SQL } from "drizzle-orm";
import { queryRows, type Executor } from "../../db/client";

/** Where the next page starts (keyset paging), and how long a page is. Null: the whole result, for a cursor. */
export type Page = { after: string | number | null; limit: number } | null;

/** Rows fetched per round trip, on either driver: what the export holds in memory at a time. */
export const BATCH_ROWS = 10_000;

type CursorClient = { unsafe(query: string, params: unknown[]): { cursor(rows: number): AsyncIterable<Record<string, unknown>[]> } };

const dialect = new PgDialect();

/** The postgres.js client under a drizzle handle (not a transaction), or null on PGlite. */
function cursorClient(db: Executor): CursorClient | null {
  const client = (db as unknown as { $client?: Partial<CursorClient> }).$client;
  return client && typeof client.unsafe === "function" ? (client as CursorClient) : null;
}

/**
 * The rows of a query in batches of `batch`, never all at once. On Postgres, a server-side cursor
 * (postgres.js `cursor()`, which holds one pooled connection until the last batch or until the
 * consumer stops: breaking out of the loop closes it), read one batch ahead. On PGlite, which has no cursors across
 * calls, keyset pages: `query(page)` must filter `key > page.after`, order by the key and limit,
 * and `keyOf` reads the key of a row.
 */
export async function* rowBatches<R extends Record<string, unknown>>(
  db: Executor,
  query: (page: Page) => SQL,
  keyOf: (row: R) => string | number,
  batch = BATCH_ROWS,
): AsyncGenerator<R[]> {
  const client = cursorClient(db);
  if (client) {
    const { sql, params } = dialect.sqlToQuery(query(null));
    const cursor = client.unsafe(sql, params).cursor(batch)[Symbol.asyncIterator]();
    // One batch ahead: the database produces the next batch while the consumer renders this one.
    let ahead = cursor.next();
    try {
      for (;;) {
        const result = await ahead;
        if (result.done) return;
        ahead = cursor.next();
        // A consumer that stops early leaves this request unanswered: its outcome no longer matters.
        ahead.catch(() => {});
        yield result.value as R[];
      }
    } finally {
      // postgres.js closes a cursor only between batches: let the batch asked for ahead land first,
      // or the connection would wait for a next() that never comes and stay out of the pool.
      await ahead.catch(() => undefined);
      await cursor.return?.();
    }
  }
  let after: string | number | null = null;
  for (;;) {
    const rows: R[] = await queryRows<R>(db, query({ after, limit: batch }));
    if (rows.length > 0) yield rows;
    if (rows.length < batch) return;
    after = keyOf(rows[rows.length - 1]!);
  }
}
