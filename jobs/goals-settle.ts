import { dbReady } from "../db/client";
import { inngest } from "../lib/events/inngest";
import { beat } from "../lib/events/heartbeat";
import { goalsToSettle, settleGoal } from "../lib/goals/settle";
import { describeJob } from "./job";

/**
 * Every 5 minutes: a group goal whose progress reached its target is marked reached and every
 * participant gets the reward (once, whatever retries or a second run at the same time do: see
 * lib/goals/settle.ts); a goal whose window ended short of it is marked missed. One step per goal,
 * so a retry resumes at the goal that failed.
 */
export const goalsSettle = inngest.createFunction(
  { id: "goals-settle", name: "Group goals (reached, rewards)", triggers: [{ cron: "*/5 * * * *" }], concurrency: { limit: 1 }, retries: 3 },
  async ({ step }) => {
    const at = new Date(await step.run("clock", () => new Date().toISOString()));
    const ids = await step.run("due", async () => goalsToSettle(await dbReady(), at));
    let reached = 0;
    let rewarded = 0;
    for (const id of ids) {
      const result = await step.run(`settle-${id}`, async () => {
        return settleGoal(await dbReady(), id, at);
      });
      if (result.status === "reached") reached++;
      rewarded += result.rewarded;
    }
    await step.run("heartbeat", async () => beat(await dbReady(), "goals-settle", { ok: true, details: { goals: ids.length, reached, rewarded } }));
    return { goals: ids.length, reached, rewarded };
  },
);

export const goalsSettleJob = describeJob(goalsSettle, { reportsRuns: true });
