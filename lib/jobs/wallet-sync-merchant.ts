import { dbReady } from "../../db/client";
import { defaultWalletDeps, syncWalletCards, walletCardsOfMerchant, type WalletDeps } from "../../wallet/sync";
import { events, inngest } from "./client";

const PAGE = 100;

/**
 * A location of the merchant was added, moved, renamed or removed: every pass of the merchant
 * lists its locations (Apple) and every loyalty class has them (Google). The merchant's wallet
 * cards are looked at again, a page per step; passes that changed get a push, the Google classes
 * a PATCH.
 */
export function createWalletSyncMerchant(deps: () => WalletDeps = defaultWalletDeps) {
  return inngest.createFunction(
    {
      id: "wallet-sync-merchant",
      name: "Wallet pass sync (whole merchant)",
      triggers: [{ event: events.locationChanged }],
      debounce: { key: "event.data.merchantId", period: "30s", timeout: "5m" },
      retries: 6,
    },
    async ({ event, step }) => {
      let after = "";
      let updated = 0;
      let pushed = 0;
      for (let page = 0; ; page++) {
        const batch = await step.run(`page-${page}`, async () => {
          const db = await dbReady();
          const ids = await walletCardsOfMerchant(db, event.data.merchantId, after, PAGE);
          return { ids, pushed: await syncWalletCards(db, deps(), ids) };
        });
        updated += batch.ids.length;
        pushed += batch.pushed;
        if (batch.ids.length < PAGE) break;
        after = batch.ids[batch.ids.length - 1]!;
      }
      return { merchantId: event.data.merchantId, updated, pushed };
    },
  );
}

export const walletSyncMerchant = createWalletSyncMerchant();
