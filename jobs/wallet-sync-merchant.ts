import { defaultWalletDeps, walletCardsOfMerchant, type WalletDeps } from "../wallet/sync";
import { syncWalletCardsInPages } from "../wallet/sync-pages";
import { events, inngest } from "../lib/events/inngest";
import { describeJob } from "./job";

/**
 * A location of the merchant was added, moved, renamed or removed, or the business's name, colour
 * or logo changed (merchant.changed): every pass of the merchant shows them (Apple) and every
 * loyalty class has them (Google). The merchant's wallet
 * cards are looked at again, a page per step; passes that changed get a push, the Google classes
 * a PATCH.
 */
export function createWalletSyncMerchant(deps: () => WalletDeps = defaultWalletDeps) {
  return inngest.createFunction(
    {
      id: "wallet-sync-merchant",
      name: "Wallet pass sync (whole merchant)",
      triggers: [{ event: events["location.changed"] }, { event: events["merchant.changed"] }],
      debounce: { key: "event.data.merchantId", period: "30s", timeout: "5m" },
      retries: 6,
    },
    async ({ event, step }) => {
      const result = await syncWalletCardsInPages(step, deps, (db, after, size) => walletCardsOfMerchant(db, event.data.merchantId, after, size));
      return { merchantId: event.data.merchantId, ...result };
    },
  );
}

export const walletSyncMerchant = createWalletSyncMerchant();

export const walletSyncMerchantJob = describeJob(walletSyncMerchant, { reportsRuns: false });
