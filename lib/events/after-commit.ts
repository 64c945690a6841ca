import { dbReady } from "../../db/client";
import { dispatchPending, inngestConfigured } from "./dispatch";

/*
 * Called after a transaction that wrote outbox events has committed: by the API wrapper, server
 * actions, the card page, scripts. NOTIFY already went out with the commit; this sends the events
 * to Inngest in the background. It never throws and never makes the caller wait: when Inngest is
 * away the events stay in the outbox and the sweep (lib/jobs/outbox-sweep.ts) resends them.
 * The state below is a per-process optimisation only; correctness rests on the outbox.
 */

const BACKOFF_MS = 30_000;

const state = globalThis as unknown as { __keepcardDispatch?: { running: Promise<void> | null; again: boolean; pausedUntil: number } };
const s = (state.__keepcardDispatch ??= { running: null, again: false, pausedUntil: 0 });

export function afterCommit(_merchantId?: string): void {
  if (!inngestConfigured()) return;
  if (Date.now() < s.pausedUntil) return; // Inngest failed a moment ago: leave it to the sweep.
  if (s.running) {
    s.again = true;
    return;
  }
  s.running = drain()
    .catch((error) => console.error("[outbox] dispatch failed:", error instanceof Error ? error.message : error))
    .finally(() => {
      s.running = null;
    });
}

async function drain(): Promise<void> {
  const db = await dbReady();
  do {
    s.again = false;
    const result = await dispatchPending(db, { limit: 200 });
    if (result.error) {
      s.pausedUntil = Date.now() + BACKOFF_MS;
      return;
    }
  } while (s.again);
}

/** Resolves when the background dispatch started by afterCommit (if any) has finished. For tests and scripts. */
export async function settleDispatch(): Promise<void> {
  while (s.running) await s.running;
}

/** Forgets a recent failure, so the next afterCommit tries Inngest at once. For tests. */
export function resetDispatchBackoff(): void {
  s.pausedUntil = 0;
}
