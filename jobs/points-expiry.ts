import { dbReady } from "../db/client";
import { afterCommit } from "../lib/events/after-commit";
import { expireDueCards } from "../lib/expiry/due";
import { inngest } from "../lib/events/inngest";
import { beat } from "../lib/events/heartbeat";
import { describeJob } from "./job";

const BATCH = 500;
const MAX_BATCHES = 400;

/** Hourly: closes lots past their expiry as `expire` entries, in batches of cards (passes follow the balance events). */
export const pointsExpiry = inngest.createFunction(
  { id: "points-expiry", name: "Expiring old points", triggers: [{ cron: "5 * * * *" }], concurrency: { limit: 1 }, retries: 3 },
  async ({ step }) => {
    const at = new Date(await step.run("clock", () => new Date().toISOString()));
    let cards = 0;
    let points = 0;
    for (let i = 0; i < MAX_BATCHES; i++) {
      const batch = await step.run(`expire-batch-${i}`, async () => {
        const db = await dbReady();
        const result = await expireDueCards(db, at, BATCH);
        afterCommit();
        return result;
      });
      cards += batch.cards;
      points += batch.points;
      if (batch.cards < BATCH) break;
    }
    await step.run("heartbeat", async () => beat(await dbReady(), "points-expiry", { ok: true, details: { cards, points } }));
    return { cards, points };
  },
);

export const pointsExpiryJob = describeJob(pointsExpiry, { reportsRuns: true });
