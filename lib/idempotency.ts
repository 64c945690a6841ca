import { createHash } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import { queryRows } from "../db/client";
import { cachedStatement, slot } from "../db/statement";
import { idempotencyKeys } from "../db/schema";
import type { Ctx, TxCtx } from "./context";
import { AppError } from "./errors";

/** A write's answer as stored for replay; `S` narrows the status where a route declares it. */
export type Stored<T, S extends number = number> = { status: S; body: T };

/** An Idempotency-Key and the hash of the request it came with (requestHash). */
export type KeyedRequest = { key: string; hash: string };

export function requestHash(parts: unknown): string {
  return createHash("sha256").update(JSON.stringify(parts)).digest("hex");
}

/**
 * Runs `fn` at most once per (merchant, key), inside the caller's transaction.
 * The key row is inserted first: a concurrent request with the same key waits on it, then
 * finds the committed result and returns it without writing. The same key with a different
 * request is a 409. A failed attempt rolls the key back with everything else, so it may be retried.
 */
export async function onceForKey<T, S extends number = number>(
  ctx: TxCtx,
  key: string,
  hash: string,
  fn: () => Promise<Stored<T, S>>,
): Promise<Stored<T, S> & { replayed: boolean }> {
  const claimed = await queryRows(ctx.db, CLAIM.bind({}, { merchantId: ctx.merchantId, key, hash }));
  if (claimed.length === 0) return storedAnswer<T, S>(ctx, { key, hash });
  const result = await fn();
  await ctx.db.execute(ANSWER.bind({}, { merchantId: ctx.merchantId, key, status: result.status, response: JSON.stringify(result.body) }));
  return { ...result, replayed: false };
}

/**
 * The answer stored for a key that is taken: its replay, or a 409 when the key came with another
 * request. A key is only ever committed with its answer (onceForKey's transaction, or the single
 * statement CLAIM_IN_STATEMENT is part of), so a taken key always has one.
 */
export async function storedAnswer<T, S extends number = number>(ctx: Ctx, { key, hash }: KeyedRequest): Promise<Stored<T, S> & { replayed: true }> {
  const [row] = await ctx.db
    .select()
    .from(idempotencyKeys)
    .where(and(eq(idempotencyKeys.merchantId, ctx.merchantId), eq(idempotencyKeys.key, key)));
  if (!row || row.requestHash !== hash) {
    throw new AppError("idempotency_conflict", "This Idempotency-Key was already used for a different request.");
  }
  // The hash covers the route, so the stored status is one the same route's answer made.
  return { status: (row.status ?? 200) as S, body: row.response as T, replayed: true };
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

/**
 * A key claimed with its answer inside another statement, as its first CTE, named `claim`: the row
 * goes in whole (the answer made before the write), or nothing does when the key is taken. The
 * statement's writes test KEY_CLAIMED, so a taken key writes nothing else. The claim comes before
 * any row lock the statement takes, the order onceForKey's transaction takes them in, so two
 * requests with one key never wait on each other crosswise.
 *
 * A statement that claims the key and then finds it cannot write (its card changed since it was read)
 * must fail whole with WRITE_RETRY, or the key would stay claimed for a write that never happened.
 */
export const CLAIM_IN_STATEMENT = sql`claim as (
    insert into ${idempotencyKeys} (merchant_id, key, request_hash, status, response)
    values (${slot("merchantId")}, ${slot("onceKey")}, ${slot("onceHash")}, ${slot("onceStatus")}::int, ${slot("onceResponse")}::jsonb)
    on conflict do nothing returning key
  )`;
export const KEY_CLAIMED = sql`exists (select 1 from claim)`;

/** The slots of CLAIM_IN_STATEMENT. */
export function claimValues(keyed: KeyedRequest, answer: Stored<unknown>): Record<string, unknown> {
  return { onceKey: keyed.key, onceHash: keyed.hash, onceStatus: answer.status, onceResponse: JSON.stringify(answer.body) };
}

/**
 * Fails the statement it is evaluated in (migration 0029): nothing it wrote stays. Only ever in a
 * CASE branch whose test reads the statement's own CTEs, so it runs only when that test holds.
 */
export const WRITE_RETRY = sql`keepcard_write_retry('the row it writes changed since it was read')`;

/** Whether an error is a statement failed by WRITE_RETRY (SQLSTATE KC409): nothing was written, try again. */
export function isWriteRetry(error: unknown): boolean {
  for (let e = error as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 3; e = e.cause as typeof e, depth++) {
    if (e.code === "KC409") return true;
  }
  return false;
}
