import { dbReady } from "../db/client";
import { expireDueFor, type ExpiryCursor, type ExpiryRun } from "../lib/expiry/due";
import { inngest } from "../lib/events/inngest";
import { beat } from "../lib/events/heartbeat";
import { describeJob } from "./job";

/** Batches one step runs before handing back (a step is one HTTP call from Inngest: keep it short). */
const STEP_SECONDS = 20;
/** Steps per run, at most (Inngest allows 1,000 per run); whatever is left waits for the next hour. */
const MAX_STEPS = 200;

/**
 * Hourly: closes lots past their expiry as `expire` entries, set-based in batches of cards
 * (lib/expiry/due.ts; passes follow the balance events), two batches at a time on Postgres. A step
 * expires batches for up to STEP_SECONDS, so a million due lots are a few steps, not thousands;
 * each step hands the next the place where its scan of due lots stopped.
 */
export const pointsExpiry = inngest.createFunction(
  { id: "points-expiry", name: "Expiring old points", triggers: [{ cron: "5 * * * *" }], concurrency: { limit: 1 }, retries: 3 },
  async ({ step }) => {
    const at = new Date(await step.run("clock", () => new Date().toISOString()));
    let cards = 0;
    let points = 0;
    let after: ExpiryCursor | null = null;
    for (let i = 0; i < MAX_STEPS; i++) {
      const from: ExpiryCursor | null = after;
      const batch: ExpiryRun = await step.run(`expire-batch-${i}`, async () => {
        return expireDueFor(await dbReady(), at, { seconds: STEP_SECONDS, after: from });
      });
      cards += batch.cards;
      points += batch.points;
      after = batch.next;
      if (!batch.more) break;
    }
    await step.run("heartbeat", async () => beat(await dbReady(), "points-expiry", { ok: true, details: { cards, points } }));
    return { cards, points };
  },
);

export const pointsExpiryJob = describeJob(pointsExpiry, { reportsRuns: true });
