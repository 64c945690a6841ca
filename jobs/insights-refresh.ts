import { dbReady } from "../db/client";
import { beat } from "../lib/events/heartbeat";
import { inngest } from "../lib/events/inngest";
import { refreshDueSnapshots } from "../lib/insights/stats";
import { describeJob } from "./job";

const MAX_BATCHES = 20;

/**
 * Hourly: the day's insights snapshot (member RFM scores and churn estimates, each program's churn
 * model, finished months and days) for merchants whose local day has turned since their last one,
 * 50 merchants a step, so the Insights page's first view of the day reads it ready-made.
 */
export const insightsRefresh = inngest.createFunction(
  { id: "insights-refresh", name: "Refreshing insights", triggers: [{ cron: "15 * * * *" }], concurrency: { limit: 1 }, retries: 3 },
  async ({ step }) => {
    const at = new Date(await step.run("clock", () => new Date().toISOString()));
    let merchants = 0;
    for (let i = 0; i < MAX_BATCHES; i++) {
      const batch = await step.run(`refresh-batch-${i}`, async () => refreshDueSnapshots(await dbReady(), at));
      merchants += batch.merchants;
      if (batch.left === 0) break;
    }
    await step.run("heartbeat", async () => beat(await dbReady(), "insights-refresh", { ok: true, details: { merchants } }));
    return { merchants };
  },
);

export const insightsRefreshJob = describeJob(insightsRefresh, { reportsRuns: true });
