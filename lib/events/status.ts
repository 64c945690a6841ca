import { and, asc, count, eq, isNull } from "drizzle-orm";
import type { Executor } from "../../db/client";
import { jobHeartbeats, merchantJobHeartbeats, outboxEvents, type JobHeartbeat, type MerchantJobHeartbeat } from "../../db/schema";
import { env } from "../env";
import { DISPATCH_HEARTBEAT, inngestConfigured } from "./dispatch";

export type JobSystemStatus = {
  /** "cloud" (event key), "dev" (local dev server) or "off" (events wait in the outbox). */
  mode: "cloud" | "dev" | "off";
  /** Whether the last attempt to hand events to Inngest succeeded. null: none yet. */
  connected: boolean | null;
  lastDispatchError: string | null;
  outboxWaiting: number;
  oldestWaitingSince: Date | null;
  lastSweepAt: Date | null;
  jobs: JobHeartbeat[];
};

/**
 * What the dashboard's job panel shows: is Inngest reachable, what of this merchant's waits in the
 * outbox, when the (shared) jobs last ran.
 */
export async function jobSystemStatus(db: Executor, merchantId: string): Promise<JobSystemStatus> {
  const pending = and(eq(outboxEvents.merchantId, merchantId), isNull(outboxEvents.dispatchedAt));
  const [waiting] = await db.select({ n: count() }).from(outboxEvents).where(pending);
  const [oldest] = await db
    .select({ createdAt: outboxEvents.createdAt })
    .from(outboxEvents)
    .where(pending)
    .orderBy(asc(outboxEvents.createdAt))
    .limit(1);
  const shared = await db.select().from(jobHeartbeats).orderBy(asc(jobHeartbeats.name));
  const own = await db.select().from(merchantJobHeartbeats).where(eq(merchantJobHeartbeats.merchantId, merchantId));
  const jobs = ownJobs(shared, own);
  const latest = jobs.filter((j) => j.name === DISPATCH_HEARTBEAT || j.name === "outbox-sweep").sort((a, b) => b.lastRunAt.getTime() - a.lastRunAt.getTime())[0];
  return {
    mode: !inngestConfigured() ? "off" : env.INNGEST_EVENT_KEY ? "cloud" : "dev",
    connected: latest ? latest.lastError === null : null,
    lastDispatchError: latest?.lastError ?? null,
    outboxWaiting: Number(waiting?.n ?? 0),
    oldestWaitingSince: oldest?.createdAt ?? null,
    lastSweepAt: jobs.find((j) => j.name === "outbox-sweep")?.lastRunAt ?? null,
    jobs,
  };
}

/** Jobs whose errors are about the job system itself (reaching Inngest), the same for every business. */
const INFRASTRUCTURE = new Set([DISPATCH_HEARTBEAT, "outbox-sweep"]);

/**
 * One row per job for this business: its own row where the job ran for it, else the shared row.
 * A shared row's counts and error text cover every business, so they are not shown; only whether
 * it ran and went well (errors of the job system itself are everyone's and stay).
 */
function ownJobs(shared: JobHeartbeat[], own: MerchantJobHeartbeat[]): JobHeartbeat[] {
  const byName = new Map<string, JobHeartbeat>();
  for (const row of shared) {
    byName.set(row.name, INFRASTRUCTURE.has(row.name) ? row : { ...row, details: null, lastError: row.lastError ? "The last run had failures; the operator's logs have the details." : null });
  }
  for (const { merchantId: _merchant, ...row } of own) byName.set(row.name, row);
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}
