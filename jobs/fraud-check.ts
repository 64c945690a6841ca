import { dbReady } from "../db/client";
import { events, inngest } from "../lib/events/inngest";
import { evaluateEntries } from "../lib/fraud/flags";
import { describeJob } from "./job";

/**
 * The fraud rules about new ledger entries, outside the earn's transaction: balance changes of one
 * business arrive in batches (up to 200, or what came in 10 seconds), and one step evaluates them
 * together. Raising is idempotent per (rule, subject, window), so a retry raises nothing twice.
 */
export const fraudCheck = inngest.createFunction(
  {
    id: "fraud-check",
    name: "Fraud checks on new ledger entries",
    triggers: [{ event: events["card.balance_changed"] }],
    batchEvents: { maxSize: 200, timeout: "10s", key: "event.data.merchantId" },
    retries: 3,
  },
  async ({ events: batch, step }) => {
    const merchantId = batch[0]!.data.merchantId;
    const entryIds = [...new Set(batch.map((e) => e.data.entryId))];
    const raised = await step.run("evaluate", async () => {
      const flags = await evaluateEntries(await dbReady(), merchantId, entryIds);
      return flags.map((f) => f.id);
    });
    return { entries: entryIds.length, raised: raised.length };
  },
);

export const fraudCheckJob = describeJob(fraudCheck, { reportsRuns: false });
