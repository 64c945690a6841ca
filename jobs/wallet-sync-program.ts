import { defaultWalletDeps, walletCardsOfProgram, type WalletDeps } from "../wallet/sync";
import { syncWalletCardsInPages } from "../wallet/sync-pages";
import { events, inngest } from "../lib/events/inngest";
import { describeJob } from "./job";

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
      triggers: [{ event: events["program.changed"] }, { event: events["reward.changed"] }],
      debounce: { key: "event.data.programId", period: "30s", timeout: "5m" },
      retries: 6,
    },
    async ({ event, step }) => {
      const result = await syncWalletCardsInPages(step, deps, (db, after, size) => walletCardsOfProgram(db, event.data.programId, after, size));
      return { programId: event.data.programId, ...result };
    },
  );
}

export const walletSyncProgram = createWalletSyncProgram();

export const walletSyncProgramJob = describeJob(walletSyncProgram, { reportsRuns: false });
