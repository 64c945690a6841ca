import { dbReady } from "../db/client";
import { expireStoredEmails } from "../lib/email";
import { dispatchPending } from "../lib/events/dispatch";
import { beat } from "../lib/events/heartbeat";
import { forgetStrangersInLog } from "../lib/integrations/connectors";
import { inngest } from "../lib/events/inngest";
import { describeJob } from "./job";

const MAX_ROUNDS = 50;

/** Every minute: resends outbox events that did not reach Inngest after their commit, deletes emails past their retention and clears non-members' contact details from the connectors' logs. */
export const outboxSweep = inngest.createFunction(
  { id: "outbox-sweep", name: "Resending what did not go out", triggers: [{ cron: "* * * * *" }], concurrency: { limit: 1 }, retries: 1 },
  async ({ step }) => {
    return step.run("dispatch-pending", async () => {
      const db = await dbReady();
      let sent = 0;
      let error: string | undefined;
      for (let round = 0; round < MAX_ROUNDS; round++) {
        const result = await dispatchPending(db, { limit: 500 });
        sent += result.sent;
        error = result.error;
        if (error || result.sent === 0) break;
      }
      const expiredEmails = await expireStoredEmails(db);
      const forgottenBuyers = await forgetStrangersInLog(db);
      await beat(db, "outbox-sweep", { ok: !error, error, details: { sent, expiredEmails, forgottenBuyers } });
      return { sent, expiredEmails, forgottenBuyers, error: error ?? null };
    });
  },
);

export const outboxSweepJob = describeJob(outboxSweep, { reportsRuns: true });
