import { AsyncLocalStorage } from "node:async_hooks";
import { is } from "drizzle-orm";
import { PgTransaction } from "drizzle-orm/pg-core";

/*
 * Work that must wait until a write is committed, whoever opened the transaction. db/client.ts runs
 * every `db.transaction` through runWithCommitHooks, so code deep inside a verb can say "once what I
 * wrote through this executor is committed" without knowing who began the transaction: on the
 * database itself, the statement just run has committed already and the hook runs at once; on a
 * transaction, it runs after the outermost transaction commits, and never if it rolls back.
 * Savepoints (`tx.transaction`) belong to the outer transaction: their hooks wait for its commit.
 */

type Hook = () => void | Promise<void>;

const scopes = new AsyncLocalStorage<Hook[]>();
// Hooks still running, kept on globalThis: a test that loads the app afresh (vi.resetModules) has a
// second copy of this module, and closing the database must wait for both copies' hooks.
const globalForHooks = globalThis as unknown as { __keepcardCommitHooks?: Set<Promise<void>> };
const running = (globalForHooks.__keepcardCommitHooks ??= new Set<Promise<void>>());

/** Runs `hook` once what was written through `executor` (the database, or a transaction) is committed. */
export function onCommit(executor: unknown, hook: Hook): void {
  // drizzle's `is`, not instanceof: the drivers' modules are loaded with require (db/client.ts), so
  // their transaction classes may come from another copy of drizzle than this import.
  const scope = is(executor, PgTransaction) ? scopes.getStore() : undefined;
  if (scope) scope.push(hook);
  else start(hook);
}

/** Runs `transaction` (one outermost transaction) and, once it has committed, the hooks it registered, in order. */
export async function runWithCommitHooks<T>(transaction: () => Promise<T>): Promise<T> {
  const hooks: Hook[] = [];
  const result = await scopes.run(hooks, transaction);
  // Outside the scope again: hooks that write run as their own statements, not in a finished transaction's scope.
  scopes.exit(() => {
    for (const hook of hooks) start(hook);
  });
  return result;
}

/** How many hooks are still running (tests: a hook must end, not wait for the process to go quiet). */
export function runningCommitHooks(): number {
  return running.size;
}

/** Resolves when every hook started so far has finished (before closing the database; tests). */
export async function settleCommitHooks(): Promise<void> {
  while (running.size > 0) await Promise.allSettled([...running]);
}

function start(hook: Hook): void {
  let pending: Promise<void>;
  try {
    const result = hook();
    if (!result) return;
    pending = result.catch((error: unknown) => console.error("[commit] a hook after commit failed:", error));
  } catch (error) {
    console.error("[commit] a hook after commit failed:", error);
    return;
  }
  running.add(pending);
  void pending.finally(() => running.delete(pending));
}
