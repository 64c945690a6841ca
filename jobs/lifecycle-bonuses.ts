import { dbReady } from "../db/client";
import { grantBirthdayBonuses, grantWinbackBonuses } from "../lib/lifecycle/bonuses";
import { inngest } from "../lib/events/inngest";
import { beat } from "../lib/events/heartbeat";
import { describeJob } from "./job";

/** Hourly (so every time zone gets its day): birthday bonuses and win-back offers, each paid once. */
export const lifecycleBonuses = inngest.createFunction(
  { id: "lifecycle-bonuses", name: "Birthday and win-back bonuses", triggers: [{ cron: "30 * * * *" }], concurrency: { limit: 1 }, retries: 3 },
  async ({ step }) => {
    const birthday = await step.run("birthday", async () => {
      return grantBirthdayBonuses(await dbReady(), new Date());
    });
    const winback = await step.run("winback", async () => {
      return grantWinbackBonuses(await dbReady(), new Date());
    });
    await step.run("heartbeat", async () => beat(await dbReady(), "lifecycle-bonuses", { ok: true, details: { birthday, winback } }));
    return { birthday, winback };
  },
);

export const lifecycleBonusesJob = describeJob(lifecycleBonuses, { reportsRuns: true });
