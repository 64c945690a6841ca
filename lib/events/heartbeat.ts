import { sql } from "drizzle-orm";
import type { Executor } from "../../db/client";
import { jobHeartbeats } from "../../db/schema";

/** Records that a background job ran (and whether it went well), for the dashboard's job panel. */
export async function beat(db: Executor, name: string, outcome: { ok: boolean; error?: string; details?: Record<string, unknown> }): Promise<void> {
  const at = new Date();
  await db
    .insert(jobHeartbeats)
    .values({ name, lastRunAt: at, lastOkAt: outcome.ok ? at : null, lastError: outcome.ok ? null : (outcome.error ?? "failed"), details: outcome.details ?? null })
    .onConflictDoUpdate({
      target: jobHeartbeats.name,
      set: {
        lastRunAt: at,
        lastOkAt: outcome.ok ? at : sql`${jobHeartbeats.lastOkAt}`,
        lastError: outcome.ok ? null : (outcome.error ?? "failed"),
        details: outcome.details ?? null,
      },
    });
}
