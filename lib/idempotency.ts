import { createHash } from "node:crypto";
import { and, eq } from "drizzle-orm";
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
  const claimed = await ctx.db
    .insert(idempotencyKeys)
    .values({ merchantId: ctx.merchantId, key, requestHash: hash })
    .onConflictDoNothing()
    .returning({ key: idempotencyKeys.key });
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
  await ctx.db
    .update(idempotencyKeys)
    .set({ status: result.status, response: result.body as object })
    .where(and(eq(idempotencyKeys.merchantId, ctx.merchantId), eq(idempotencyKeys.key, key)));
  return { ...result, replayed: false };
}
