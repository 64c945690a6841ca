import { dbReady, type Db } from "../db/client";
import { syncWalletCards, type WalletDeps } from "./sync";

type Page = { ids: string[]; pushed: number };
type Step = { run(id: string, fn: () => Promise<Page>): Promise<Page> };

/**
 * Re-syncs a set of wallet cards a page per Inngest step, so a retry resumes at the page that
 * failed. `pageOf(db, after, size)` lists the next card ids after `after`, in id order.
 */
export async function syncWalletCardsInPages(
  step: Step,
  deps: () => WalletDeps,
  pageOf: (db: Db, after: string, size: number) => Promise<string[]>,
  size = 100,
): Promise<{ updated: number; pushed: number }> {
  let after = "";
  let updated = 0;
  let pushed = 0;
  for (let page = 0; ; page++) {
    const batch = await step.run(`page-${page}`, async () => {
      const db = await dbReady();
      const ids = await pageOf(db, after, size);
      return { ids, pushed: await syncWalletCards(db, deps(), ids) };
    });
    updated += batch.ids.length;
    pushed += batch.pushed;
    if (batch.ids.length < size) break;
    after = batch.ids[batch.ids.length - 1]!;
  }
  return { updated, pushed };
}
