import { eq } from "drizzle-orm";
import type { Executor } from "../../db/client";
import { payoutRuns, type PayoutRunReport } from "../../db/schema";
import { finishPayoutRun, preparePayoutRun, sendPayoutBatch } from "./runs";

const BATCH = 1000;

/**
 * Development only (end-to-end tests without an Inngest server): runs the payout runs still
 * waiting to start ("Pay now" was pressed), the steps the payout-run job takes: reserve, pay in
 * batches, report.
 */
export async function runWaitingPayoutsNow(db: Executor): Promise<PayoutRunReport[]> {
  const waiting = await db.select({ id: payoutRuns.id }).from(payoutRuns).where(eq(payoutRuns.status, "pending")).limit(20);
  const reports: PayoutRunReport[] = [];
  for (const { id } of waiting) {
    const prepared = await preparePayoutRun(db, id);
    let after = "";
    if (prepared.provider !== "manual") {
      for (;;) {
        const page = await sendPayoutBatch(db, id, after, BATCH);
        if (!page.lastId || page.count < BATCH) break;
        after = page.lastId;
      }
    }
    reports.push(await finishPayoutRun(db, id, prepared));
  }
  return reports;
}
