import { dbReady } from "../db/client";
import { env } from "../lib/env";
import { defaultWalletDeps, syncWalletCard, type WalletDeps } from "../wallet/sync";
import { events, inngest } from "../lib/events/inngest";
import { describeJob } from "./job";

/**
 * Keeps every wallet copy of a card true. Any change that shows on the pass (balance, tier, a
 * voucher issued or used, the card closed when its customer is erased: the Apple pass is voided,
 * the Google object expired without personal data; the holder's language changed) starts it; changes of one card within the debounce window collapse into
 * one run, which notes the pass's new content (its Last-Modified and update tag move), pushes Apple
 * devices to refetch it and PATCHes the Google object.
 * Each step is safe to repeat: a second push only makes a phone ask again, and the Google PATCH
 * and messages are keyed by what was last sent.
 */
export function createWalletSync(deps: () => WalletDeps = defaultWalletDeps) {
  return inngest.createFunction(
    {
      id: "wallet-sync",
      name: "Wallet pass sync (per card)",
      triggers: [{ event: events["card.balance_changed"] }, { event: events["tier.changed"] }, { event: events["voucher.issued"] }, { event: events["voucher.redeemed"] }, { event: events["voucher.voided"] }, { event: events["card.closed"] }, { event: events["card.language_changed"] }, { event: events["card.details_changed"] }],
      debounce: { key: "event.data.cardId", period: `${env.WALLET_SYNC_DEBOUNCE_SECONDS}s`, timeout: "1m" },
      retries: 6,
    },
    async ({ event, step }) => {
      const cardId = event.data.cardId;
      // One step, one read of the card for both wallets (the sync is safe to repeat: a retry after a
      // Google failure pushes the iPhones once more, which only makes them ask again).
      const { apple, google } = await step.run("sync", async () => syncWalletCard(await dbReady(), deps(), cardId));
      return { cardId, apple, google };
    },
  );
}

export const walletSync = createWalletSync();

export const walletSyncJob = describeJob(walletSync, { reportsRuns: false });
