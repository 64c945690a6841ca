import { dbReady } from "../db/client";
import { afterCommit } from "../lib/events/after-commit";
import { expireDueCards } from "../lib/expiry/due";
import { inngest } from "../lib/events/inngest";
import { beat } from "../lib/events/heartbeat";
import { describeJob } from "./job";

/** Batches one step runs before handing back (a step is one HTTP call from Inngest: keep it short). */
const STEP_SECONDS = 20;
/** Steps per run, at most (Inngest allows 1,000 per run); whatever is left waits for the next hour. */
const MAX_STEPS = 200;

/**
 * Hourly: closes lots past their expiry as `expire` entries, set-based in batches of cards
 * (lib/expiry/due.ts; passes follow the balance events). A step expires batches for up to
 * STEP_SECONDS, so a million due lots are a few dozen steps, not thousands.
 */
export const pointsExpiry = inngest.createFunction(
  { id: "points-expiry", name: "Expiring old points", triggers: [{ cron: "5 * * * *" }], concurrency: { limit: 1 }, retries: 3 },
  async ({ step }) => {
    const at = new Date(await step.run("clock", () => new Date().toISOString()));
    let cards = 0;
    let points = 0;
    for (let i = 0; i < MAX_STEPS; i++) {
      const batch = await step.run(`expire-batch-${i}`, async () => {
        const db = await dbReady();
        const started = Date.now();
        const done = { cards: 0, points: 0, more: true };
        while (Date.now() - started < STEP_SECONDS * 1000) {
          const result = await expireDueCards(db, at);
          done.cards += result.cards;
          done.points += result.points;
          if (result.candidates === 0 || result.cards === 0) {
            done.more = false;
            break;
          }
        }
        afterCommit();
        return done;
      });
      cards += batch.cards;
      points += batch.points;
      if (!batch.more) break;
    }
    await step.run("heartbeat", async () => beat(await dbReady(), "points-expiry", { ok: true, details: { cards, points } }));
    return { cards, points };
  },
);

export const pointsExpiryJob = describeJob(pointsExpiry, { reportsRuns: true });
