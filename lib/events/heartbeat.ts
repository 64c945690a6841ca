import { sql } from "drizzle-orm";
import type { Executor } from "../../db/client";
import { jobHeartbeats, merchantJobHeartbeats } from "../../db/schema";

type Outcome = { ok: boolean; error?: string; details?: Record<string, unknown> };

/**
 * Records that a background job ran (and whether it went well), for the dashboard's job panel.
 * A job that ran for one business passes its id: only that business sees the outcome. Without
 * one the run is a shared job's, whose counts and errors cover every business.
 */
export async function beat(db: Executor, name: string, outcome: Outcome, merchantId?: string): Promise<void> {
  const at = new Date();
  const error = outcome.ok ? null : (outcome.error ?? "failed");
  const details = outcome.details ?? null;
  if (merchantId) {
    await db
      .insert(merchantJobHeartbeats)
      .values({ merchantId, name, lastRunAt: at, lastOkAt: outcome.ok ? at : null, lastError: error, details })
      .onConflictDoUpdate({
        target: [merchantJobHeartbeats.merchantId, merchantJobHeartbeats.name],
        set: { lastRunAt: at, lastOkAt: outcome.ok ? at : sql`${merchantJobHeartbeats.lastOkAt}`, lastError: error, details },
      });
    return;
  }
  await db
    .insert(jobHeartbeats)
    .values({ name, lastRunAt: at, lastOkAt: outcome.ok ? at : null, lastError: error, details })
    .onConflictDoUpdate({
      target: jobHeartbeats.name,
      set: { lastRunAt: at, lastOkAt: outcome.ok ? at : sql`${jobHeartbeats.lastOkAt}`, lastError: error, details },
    });
}
