import { dbReady } from "../db/client";
import { env } from "../lib/env";
import { defaultWalletDeps, syncWalletBatch, type WalletDeps } from "../wallet/sync";
import { events, inngest } from "../lib/events/inngest";
import { describeJob } from "./job";

/** A batch in which some cards could not be synced; the run fails (and is retried) with the first reason. */
export class WalletBatchError extends Error {
  constructor(
    readonly failed: { cardId: string; error: Error }[],
    total: number,
  ) {
    super(`${failed.length} of ${total} cards were not synced: ${failed[0]!.error.message}`);
    this.name = "WalletBatchError";
  }
}

/**
 * Keeps every wallet copy of a card true. Any change that shows on the pass (balance, tier, a
 * voucher issued or used, the card closed when its customer is erased: the Apple pass is voided,
 * the Google object expired without personal data; the holder's language changed) starts it.
 *
 * Changes come in batches (Inngest batchEvents): a run takes up to WALLET_SYNC_BATCH_SIZE changes,
 * starting when the batch is full or WALLET_SYNC_BATCH_SECONDS after its first change. Its cards
 * (each once, however many of its changes are in the batch) are read together and brought up to
 * date in both wallets: the pass's new content noted (its Last-Modified and update tag move), the
 * Apple devices pushed to refetch, the Google object PATCHed (wallet/sync.ts syncWalletBatch).
 *
 * Why batches and not a debounce per card (Inngest cannot do both on one function): a debounce
 * makes every change wait its whole period and costs one run per card; a batch waits at most its
 * timeout and one run serves a hundred cards, which is what keeps a change within seconds of the
 * phones at 50 changes a second (bench/wallet).
 *
 * Every change reaches the wallets, and a later one is never overwritten by an earlier one: the
 * sync reads each card's state when it runs (not the events' data), and `concurrency: 1` makes
 * the batches run one after another, so a card in two batches is read again by the later one only
 * after the earlier one has sent what it read. A card that fails (APNs down, a Google error) fails
 * the run after the others are done; the retry sends the rest again harmlessly (a push only makes
 * a phone ask again, Google is PATCHed only when what it shows differs from what was last sent)
 * and pushes Apple devices only for passes not yet pushed for their content.
 */
export function createWalletSync(deps: () => WalletDeps = defaultWalletDeps) {
  return inngest.createFunction(
    {
      id: "wallet-sync",
      name: "Wallet pass sync (changed cards)",
      triggers: [{ event: events["card.balance_changed"] }, { event: events["tier.changed"] }, { event: events["voucher.issued"] }, { event: events["voucher.redeemed"] }, { event: events["voucher.voided"] }, { event: events["card.closed"] }, { event: events["card.language_changed"] }, { event: events["card.details_changed"] }],
      batchEvents: { maxSize: env.WALLET_SYNC_BATCH_SIZE, timeout: `${env.WALLET_SYNC_BATCH_SECONDS}s` },
      concurrency: { limit: 1 },
      retries: 6,
    },
    async ({ events: batch, step, attempt }) => {
      const cardIds = [...new Set(batch.map((e) => e.data.cardId))];
      // One step for the batch (the sync is safe to repeat, see above). On a retry, passes already
      // pushed for their content are not pushed again.
      const outcomes = await step.run("sync", async () => {
        const done = await syncWalletBatch(await dbReady(), deps(), cardIds, { force: attempt === 0 });
        const failed = done.flatMap((o) => (o.error ? [{ cardId: o.cardId, error: o.error }] : []));
        if (failed.length > 0) throw new WalletBatchError(failed, done.length);
        return done.map(({ cardId, apple, google }) => ({ cardId, apple, google }));
      });
      return { cards: outcomes };
    },
  );
}

export const walletSync = createWalletSync();

export const walletSyncJob = describeJob(walletSync, { reportsRuns: false });
