import { dbReady } from "../db/client";
import { finishPayoutRun, payoutRunMerchant, preparePayoutRun, sendPayoutBatch } from "../lib/payouts/runs";
import { events, inngest } from "../lib/events/inngest";
import { beat } from "../lib/events/heartbeat";
import { describeJob } from "./job";

const BATCH = 1000;
const MAX_BATCHES = 500;

/**
 * One payout run: reserve (debit) the eligible balances, pay them in batches through the
 * program's provider, then write the report. One run per program at a time.
 */
export const payoutRun = inngest.createFunction(
  { id: "payout-run", name: "Payout runs", triggers: [events["payout_run.requested"]], concurrency: { key: "event.data.programId", limit: 1 }, retries: 5 },
  async ({ event, step }) => {
    const { runId } = event.data;
    const prepared = await step.run("reserve", async () => {
      return preparePayoutRun(await dbReady(), runId);
    });
    if (prepared.provider !== "manual") {
      let after = "";
      for (let i = 0; i < MAX_BATCHES; i++) {
        const batch = await step.run(`pay-batch-${i}`, async () => sendPayoutBatch(await dbReady(), runId, after, BATCH));
        if (!batch.lastId || batch.count < BATCH) break;
        after = batch.lastId;
      }
    }
    return step.run("report", async () => {
      const db = await dbReady();
      const report = await finishPayoutRun(db, runId, prepared);
      await beat(db, "payout-run", { ok: report.failed === 0, error: report.failed ? `${report.failed} payouts failed` : undefined, details: { runId, ...report } }, await payoutRunMerchant(db, runId));
      return report;
    });
  },
);

export const payoutRunJob = describeJob(payoutRun, { reportsRuns: true });
