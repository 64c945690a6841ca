import { dbReady } from "../../db/client";
import { afterCommit } from "../events/after-commit";
import { sendExpiryReminders } from "../expiry/reminders";
import { inngest } from "./client";
import { beat } from "./heartbeat";

/** Daily: emails and wallet messages for points expiring inside the programs' reminder windows, once per window. */
export const expiryRemindersJob = inngest.createFunction(
  { id: "expiry-reminders", triggers: [{ cron: "0 8 * * *" }], concurrency: { limit: 1 }, retries: 3 },
  async ({ step }) => {
    return step.run("remind", async () => {
      const db = await dbReady();
      const result = await sendExpiryReminders(db, new Date());
      afterCommit();
      await beat(db, "expiry-reminders", { ok: result.failed === 0, error: result.failed ? `${result.failed} emails failed` : undefined, details: result });
      return result;
    });
  },
);
