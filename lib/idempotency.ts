import { createHash } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import { queryRows } from "../db/client";
import { cachedStatement, slot } from "../db/statement";
import { idempotencyKeys } from "../db/schema";
import type { TxCtx } from "./context";
import { AppError } from "./errors";

export type Stored<T> = { status: number; body: T };

export function requestHash(parts: unknown): string {
  return createHash("sha256").update(JSON.stringify(parts)).digest("hex");
}

/**
 * Runs `fn` at most once per (merchant, key), inside the caller's transaction.
 * The key row is inserted first: a concurrent request with the same key waits on it, then
 * finds the committed result and returns it without writing. The same key with a different
 * request is a 409. A failed attempt rolls the key back with everything else, so it may be retried.
 */
export async function onceForKey<T>(
  ctx: TxCtx,
  key: string,
  hash: string,
  fn: () => Promise<Stored<T>>,
): Promise<Stored<T> & { replayed: boolean }> {
  const claimed = await queryRows(ctx.db, CLAIM.bind({}, { merchantId: ctx.merchantId, key, hash }));
  if (claimed.length === 0) {
    const [row] = await ctx.db
      .select()
      .from(idempotencyKeys)
      .where(and(eq(idempotencyKeys.merchantId, ctx.merchantId), eq(idempotencyKeys.key, key)));
    if (!row || row.requestHash !== hash) {
      throw new AppError("idempotency_conflict", "This Idempotency-Key was already used for a different request.");
    }
    return { status: row.status ?? 200, body: row.response as T, replayed: true };
  }
  const result = await fn();
  await ctx.db.execute(ANSWER.bind({}, { merchantId: ctx.merchantId, key, status: result.status, response: JSON.stringify(result.body) }));
  return { ...result, replayed: false };
}

// The claim and the answer are on every keyed write (the scanner's every tap): their texts are built
// once (db/statement.ts), where drizzle's builder took ~0.08 ms of CPU for each on every call.
const CLAIM = cachedStatement({
  key: () => "claim",
  build: () => sql`insert into ${idempotencyKeys} (merchant_id, key, request_hash) values (${slot("merchantId")}, ${slot("key")}, ${slot("hash")})
    on conflict do nothing returning key`,
});
const ANSWER = cachedStatement({
  key: () => "answer",
  build: () => sql`update ${idempotencyKeys} set status = ${slot("status")}::int, response = ${slot("response")}::jsonb
    where merchant_id = ${slot("merchantId")} and key = ${slot("key")}`,
});
