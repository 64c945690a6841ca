import { ne } from "drizzle-orm";
import { dbReady } from "../db/client";
import { payoutSettings } from "../db/schema";
import { systemActor } from "../lib/context";
import { requestPayoutRun } from "../lib/payouts/runs";
import { inngest } from "../lib/events/inngest";
import { beat } from "../lib/events/heartbeat";
import { describeJob } from "./job";

/** The period a scheduled run belongs to on `at` (UTC), or null when the schedule has no run that day. */
export function schedulePeriod(schedule: "off" | "daily" | "weekly" | "monthly", at: Date): string | null {
  const day = at.toISOString().slice(0, 10);
  if (schedule === "daily") return day;
  if (schedule === "weekly") return at.getUTCDay() === 1 ? `week-of-${day}` : null;
  if (schedule === "monthly") return at.getUTCDate() === 1 ? day.slice(0, 7) : null;
  return null;
}

/** Daily: starts the scheduled payout run of every program whose schedule falls today (once per period). */
export const payoutSchedule = inngest.createFunction(
  { id: "payout-schedule", name: "Scheduled cashback payouts", triggers: [{ cron: "0 2 * * *" }], concurrency: { limit: 1 }, retries: 3 },
  async ({ step }) => {
    return step.run("start-runs", async () => {
      const db = await dbReady();
      const at = new Date();
      const due = await db.select().from(payoutSettings).where(ne(payoutSettings.schedule, "off"));
      let started = 0;
      for (const settings of due.filter((s) => s.enabled)) {
        const period = schedulePeriod(settings.schedule, at);
        if (!period) continue;
        const ctx = { db, merchantId: settings.merchantId, actor: systemActor("payout-schedule"), source: "job" };
        try {
          const { created } = await requestPayoutRun(ctx, { programId: settings.programId, runKey: `schedule:${period}` });
          if (created) started++;
        } catch (error) {
          // One program's settings (a paused program, say) must not stop the others.
          console.error(`[payouts] no scheduled run for ${settings.programId}:`, error instanceof Error ? error.message : error);
        }
      }
      await beat(db, "payout-schedule", { ok: true, details: { started } });
      return { started };
    });
  },
);

export const payoutScheduleJob = describeJob(payoutSchedule, { reportsRuns: true });
