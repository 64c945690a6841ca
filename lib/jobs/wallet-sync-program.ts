import { dbReady } from "../../db/client";
import { defaultWalletDeps, syncWalletCards, walletCardsOfProgram, type WalletDeps } from "../../wallet/sync";
import { events, inngest } from "./client";

const PAGE = 100;

/**
 * A program's design or rules, or one of its rewards (name, cost, stock, active), changed: its
 * Google class is PATCHed (with the first card) and every card of it that lives in a wallet is
 * looked at again, a page of cards per step so a retry resumes where it failed. A pass whose
 * content moved gets a new Last-Modified and update tag and its devices a push; the others are
 * left alone.
 */
export function createWalletSyncProgram(deps: () => WalletDeps = defaultWalletDeps) {
  return inngest.createFunction(
    {
      id: "wallet-sync-program",
      name: "Wallet pass sync (whole program)",
      triggers: [{ event: events.programChanged }, { event: events.rewardChanged }],
      debounce: { key: "event.data.programId", period: "30s", timeout: "5m" },
      retries: 6,
    },
    async ({ event, step }) => {
      let after = "";
      let updated = 0;
      let pushed = 0;
      for (let page = 0; ; page++) {
        const batch = await step.run(`page-${page}`, async () => {
          const db = await dbReady();
          const ids = await walletCardsOfProgram(db, event.data.programId, after, PAGE);
          return { ids, pushed: await syncWalletCards(db, deps(), ids) };
        });
        updated += batch.ids.length;
        pushed += batch.pushed;
        if (batch.ids.length < PAGE) break;
        after = batch.ids[batch.ids.length - 1]!;
      }
      return { programId: event.data.programId, updated, pushed };
    },
  );
}

export const walletSyncProgram = createWalletSyncProgram();
