import { queryRows, sql, type Executor } from "@/db/client";

const TABLES = ["programs", "rewards", "customers", "cards", "ledger_entries", "point_lots", "vouchers", "outbox_events", "audit_log", "idempotency_keys"] as const;
export type Counts = Record<(typeof TABLES)[number], number>;

/** Rows per table for one merchant, in one statement: compare before and after to prove a request wrote nothing. */
export async function countRows(db: Executor, merchantId: string): Promise<Counts> {
  const parts = TABLES.map((t) => sql`(select count(*) from ${sql.identifier(t)} where merchant_id = ${merchantId})::int as ${sql.identifier(t)}`);
  const [row] = await queryRows<Counts>(db, sql`select ${sql.join(parts, sql`, `)}`);
  return row!;
}
