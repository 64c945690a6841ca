import { dbReady } from "../../db/client";
import { defaultWalletDeps, pushAppleUpdate, syncGoogleCard, walletCardsOfProgram, type WalletDeps } from "../../wallet/sync";
import { events, inngest } from "./client";

const PAGE = 100;

/**
 * A program's design or rules changed: its Google class is PATCHed (with the first card) and
 * every card of it that lives in a wallet is updated, a page of cards per step so a retry
 * resumes where it failed.
 */
export function createWalletSyncProgram(deps: () => WalletDeps = defaultWalletDeps) {
  return inngest.createFunction(
    {
      id: "wallet-sync-program",
      name: "Wallet pass sync (whole program)",
      triggers: [{ event: events.programChanged }],
      debounce: { key: "event.data.programId", period: "30s", timeout: "5m" },
      retries: 6,
    },
    async ({ event, step }) => {
      let after = "";
      let updated = 0;
      for (let page = 0; ; page++) {
        const ids = await step.run(`page-${page}`, async () => {
          const db = await dbReady();
          const batch = await walletCardsOfProgram(db, event.data.programId, after, PAGE);
          for (const cardId of batch) {
            await pushAppleUpdate(db, deps(), cardId);
            await syncGoogleCard(db, deps(), cardId);
          }
          return batch;
        });
        updated += ids.length;
        if (ids.length < PAGE) break;
        after = ids[ids.length - 1]!;
      }
      return { programId: event.data.programId, updated };
    },
  );
}

export const walletSyncProgram = createWalletSyncProgram();
