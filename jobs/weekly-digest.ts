import { dbReady } from "../db/client";
import { inngest } from "../lib/events/inngest";
import { beat } from "../lib/events/heartbeat";
import { sendWeeklyDigests } from "../lib/reports/digest";
import { describeJob } from "./job";

/** Mondays: last week's numbers by email to each owner who has not turned the digest off; once per owner and week. */
export const weeklyDigest = inngest.createFunction(
  { id: "weekly-digest", name: "Weekly digest for owners", triggers: [{ cron: "0 7 * * 1" }], concurrency: { limit: 1 }, retries: 3 },
  async ({ step }) => {
    const at = await step.run("clock", () => new Date().toISOString());
    const result = await step.run("send", async () => sendWeeklyDigests(await dbReady(), new Date(at)));
    await step.run("heartbeat", async () => beat(await dbReady(), "weekly-digest", { ok: true, details: result }));
    return result;
  },
);

export const weeklyDigestJob = describeJob(weeklyDigest, { reportsRuns: true });
