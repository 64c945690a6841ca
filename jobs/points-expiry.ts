import { dbReady, getDbHandle } from "../db/client";
import { afterCommit } from "../lib/events/after-commit";
import { EXPIRY_WORKERS, expireDueCards, type ExpiryCursor } from "../lib/expiry/due";
import { inngest } from "../lib/events/inngest";
import { beat } from "../lib/events/heartbeat";
import { describeJob } from "./job";

/** Batches one step runs before handing back (a step is one HTTP call from Inngest: keep it short). */
const STEP_SECONDS = 20;
/** Steps per run, at most (Inngest allows 1,000 per run); whatever is left waits for the next hour. */
const MAX_STEPS = 200;

/** What a step did, and where the next one starts. */
type StepProgress = { cards: number; points: number; more: boolean; next: ExpiryCursor | null };

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
      const batch = await step.run(`expire-batch-${i}`, async (): Promise<StepProgress> => {
        const db = await dbReady();
        // The embedded database has one connection: its batches would only queue behind each other.
        const workers = getDbHandle().kind === "postgres" ? EXPIRY_WORKERS : 1;
        const started = Date.now();
        const done: StepProgress = { cards: 0, points: 0, more: true, next: from };
        while (Date.now() - started < STEP_SECONDS * 1000) {
          const result = await expireDueCards(db, at, { workers, after: done.next });
          done.cards += result.cards;
          done.points += result.points;
          done.next = result.next;
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
      after = batch.next;
      if (!batch.more) break;
    }
    await step.run("heartbeat", async () => beat(await dbReady(), "points-expiry", { ok: true, details: { cards, points } }));
    return { cards, points };
  },
);

export const pointsExpiryJob = describeJob(pointsExpiry, { reportsRuns: true });
