import { dbReady } from "../db/client";
import { sendExpiryReminders } from "../lib/expiry/reminders";
import { inngest } from "../lib/events/inngest";
import { beat } from "../lib/events/heartbeat";
import { describeJob } from "./job";

/** Daily: emails and wallet messages for points expiring inside the programs' reminder windows, once per window. */
export const expiryReminders = inngest.createFunction(
  { id: "expiry-reminders", name: "Reminders before points expire", triggers: [{ cron: "0 8 * * *" }], concurrency: { limit: 1 }, retries: 3 },
  async ({ step }) => {
    return step.run("remind", async () => {
      const db = await dbReady();
      const result = await sendExpiryReminders(db, new Date());
      await beat(db, "expiry-reminders", { ok: result.failed === 0, error: result.failed ? `${result.failed} emails failed` : undefined, details: result });
      return result;
    });
  },
);

export const expiryRemindersJob = describeJob(expiryReminders, { reportsRuns: true });
