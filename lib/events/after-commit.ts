import { dbReady } from "../../db/client";
import { dispatchPending, inngestConfigured } from "./dispatch";

/*
 * Called once a write that recorded outbox events has committed, by the hooks in lib/outbox.ts
 * (announceEvents, announceNotices), whoever made the write: the API, a server action, the card
 * page, a job or a script. Live views hear of the events there too; this sends them to Inngest in
 * the background. It never throws and never makes the caller wait: when Inngest is away the events
 * stay in the outbox and the sweep (jobs/outbox-sweep.ts) resends them.
 * The state below is a per-process optimisation only; correctness rests on the outbox.
 */

const BACKOFF_MS = 30_000;

/**
 * `waiting`: for each afterCommit since the last round of the loop, what tells it its business's
 * events were sent (or that the loop stopped): a caller's promise ends with its round, not with the
 * loop, which under a steady stream of commits keeps going.
 */
type DispatchState = { running: Promise<void> | null; merchants: Set<string>; pausedUntil: number; waiting: Array<() => void> };
const state = globalThis as unknown as { __keepcardDispatch?: DispatchState };
const s = (state.__keepcardDispatch ??= { running: null, merchants: new Set(), pausedUntil: 0, waiting: [] });
s.waiting ??= []; // a process whose state an older copy of this module made (development reloads)

/**
 * `merchantId`: whose commit this was. Their pending events go first, so one merchant's backlog
 * (say, while Inngest was away) never holds up another's fresh events; the sweep sends the rest.
 * Returns a promise (never rejecting) of the round that sends them, for the commit hook to hand to
 * db/commit.ts so closing the database waits for it; no request waits for it.
 */
export function afterCommit(merchantId: string): Promise<void> | undefined {
  if (!inngestConfigured()) return undefined;
  if (Date.now() < s.pausedUntil) return undefined; // Inngest failed a moment ago: leave it to the sweep.
  s.merchants.add(merchantId);
  const sent = new Promise<void>((resolve) => s.waiting.push(resolve));
  s.running ??= startDrain();
  return sent;
}

function startDrain(): Promise<void> {
  return drain()
    .catch((error) => console.error("[outbox] dispatch failed:", error instanceof Error ? error.message : error))
    .finally(() => {
      s.running = null;
      // A business added between the loop's last check and here is not left to the sweep.
      if (s.merchants.size > 0 && Date.now() >= s.pausedUntil) s.running = startDrain();
      else for (const resolve of s.waiting.splice(0)) resolve();
    });
}

async function drain(): Promise<void> {
  const db = await dbReady();
  while (s.merchants.size > 0) {
    const targets = [...s.merchants];
    s.merchants.clear();
    const round = s.waiting.splice(0);
    try {
      for (const merchantId of targets) {
        const result = await dispatchPending(db, { limit: 200, merchantId });
        if (result.error) {
          s.pausedUntil = Date.now() + BACKOFF_MS;
          s.merchants.clear();
          return;
        }
      }
    } finally {
      for (const resolve of round) resolve();
    }
  }
}

/** Resolves when the background dispatch started by afterCommit (if any) has finished. For tests and scripts. */
export async function settleDispatch(): Promise<void> {
  while (s.running) await s.running;
}

/** Forgets a recent failure, so the next afterCommit tries Inngest at once. For tests. */
export function resetDispatchBackoff(): void {
  s.pausedUntil = 0;
}
