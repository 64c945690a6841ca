import { dbReady } from "../db/client";
import { inngest } from "../lib/events/inngest";
import { beat } from "../lib/events/heartbeat";
import { merchantsToSweep, sweepFlags } from "../lib/fraud/flags";
import { describeJob } from "./job";

/**
 * Hourly: every fraud rule over the last two hours of each business with activity, plus the
 * sign-up patterns of the day and the cashier outliers of the month. It catches what the per-event
 * check could not see (a burst of sign-ups, a team-wide comparison) and anything an event missed.
 */
export const fraudSweep = inngest.createFunction(
  { id: "fraud-sweep", name: "Fraud and abuse sweep", triggers: [{ cron: "20 * * * *" }], concurrency: { limit: 1 }, retries: 3 },
  async ({ step }) => {
    const at = new Date(await step.run("clock", () => new Date().toISOString()));
    const merchants = await step.run("merchants", async () => merchantsToSweep(await dbReady(), new Date(at.getTime() - 2 * 3_600_000)));
    let raised = 0;
    for (const merchantId of merchants) {
      raised += await step.run(`sweep-${merchantId}`, async () => {
        const flags = await sweepFlags(await dbReady(), merchantId, at);
        return flags.length;
      });
    }
    await step.run("heartbeat", async () => beat(await dbReady(), "fraud-sweep", { ok: true, details: { merchants: merchants.length, raised } }));
    return { merchants: merchants.length, raised };
  },
);

export const fraudSweepJob = describeJob(fraudSweep, { reportsRuns: true });
