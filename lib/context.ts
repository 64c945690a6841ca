import type { Db, Executor, Tx } from "../db/client";
import type { ActorType, Role } from "../db/schema";

export type Actor =
  | { type: "user"; id: string; role: Role }
  // A key bound to one location earns and redeems only there (lib/api-keys/scopes.ts).
  | { type: "api_key"; id: string; locationId?: string | null }
  | { type: "system"; id: string }
  | { type: "customer"; id: string };

/** What every domain verb receives: where to read and write, for whom, and who is asking. */
export type Ctx = {
  db: Executor;
  merchantId: string;
  actor: Actor;
  /** Where the change came from, recorded on ledger entries: api, dashboard, scanner, job, card_page, seed. */
  source: string;
  /** Set inside withTransaction, so nested verbs reuse the same transaction. */
  inTransaction?: boolean;
  /** Clock, replaceable in tests and in jobs that replay a day. */
  now?: () => Date;
};

/** A Ctx inside a transaction (what withTransaction hands its callback): row locks hold until it ends. */
export type TxCtx = Ctx & { db: Tx };

export function now(ctx: Pick<Ctx, "now">): Date {
  return ctx.now ? ctx.now() : new Date();
}

export function actorType(actor: Actor): ActorType {
  return actor.type;
}

/**
 * Runs `fn` in a transaction, or in the caller's transaction when there already is one,
 * so verbs compose and a test can wrap a whole scenario.
 */
export async function withTransaction<T>(ctx: Ctx, fn: (tx: TxCtx) => Promise<T>): Promise<T> {
  if (ctx.inTransaction) return fn(ctx as TxCtx);
  return (ctx.db as Db).transaction((tx) => fn({ ...ctx, db: tx, inTransaction: true }));
}

export const systemActor = (id = "system"): Actor => ({ type: "system", id });
