import { dbReady } from "../db/client";
import { afterCommit } from "../lib/events/after-commit";
import { grantBirthdayBonuses, grantWinbackBonuses } from "../lib/lifecycle/bonuses";
import { inngest } from "../lib/events/inngest";
import { beat } from "../lib/events/heartbeat";
import { describeJob } from "./job";

/** Hourly (so every time zone gets its day): birthday bonuses and win-back offers, each paid once. */
export const lifecycleBonuses = inngest.createFunction(
  { id: "lifecycle-bonuses", name: "Birthday and win-back bonuses", triggers: [{ cron: "30 * * * *" }], concurrency: { limit: 1 }, retries: 3 },
  async ({ step }) => {
    const birthday = await step.run("birthday", async () => {
      const result = await grantBirthdayBonuses(await dbReady(), new Date());
      afterCommit();
      return result;
    });
    const winback = await step.run("winback", async () => {
      const result = await grantWinbackBonuses(await dbReady(), new Date());
      afterCommit();
      return result;
    });
    await step.run("heartbeat", async () => beat(await dbReady(), "lifecycle-bonuses", { ok: true, details: { birthday, winback } }));
    return { birthday, winback };
  },
);

export const lifecycleBonusesJob = describeJob(lifecycleBonuses, { reportsRuns: true });
