import { runningCommitHooks, settleCommitHooks } from "@/db/commit";
import { recordEvents } from "@/lib/outbox";
import type { TestMerchant } from "./fixtures";

/**
 * Records one event per statement, one after another, for at least 200 writes and half a second:
 * faster than a process announces and dispatches them (every 50 ms), so the queue of what to send
 * is never empty while they come. Returns how many writes there were and how many commit hooks were
 * still running at the end: when each hook ends with its own events, only the last moments' are.
 */
export async function writeEventsSteadily(m: TestMerchant): Promise<{ writes: number; runningAtEnd: number }> {
  await settleCommitHooks();
  let writes = 0;
  const started = Date.now();
  while (writes < 200 || Date.now() - started < 500) {
    await recordEvents(m.db, m.merchantId, [{ type: "merchant.changed", payload: { fields: [`field_${writes}`] } }]);
    writes++;
    // As requests arriving over the network would (the embedded database answers without leaving the microtask queue).
    await new Promise((resolve) => setImmediate(resolve));
  }
  return { writes, runningAtEnd: runningCommitHooks() };
}
