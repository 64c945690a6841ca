import { dbReady } from "../db/client";
import { addGoogleMessage, recordWalletMessage, walletMessageExpiry } from "../wallet/messages";
import { defaultWalletDeps, refreshApplePass, type WalletDeps } from "../wallet/sync";
import { events, inngest } from "../lib/events/inngest";
import { describeJob } from "./job";

/**
 * Shows a message (an expiry reminder, a campaign announcement) on every wallet copy of a card:
 * the message is stored once per card and reason; the Apple pass then carries it on its back
 * with a changeMessage and its devices are pushed to fetch it; the Google object gets it with
 * addMessage (notifying while the card's daily allowance lasts). Repeating the event, or any
 * step, sends nothing twice. At the message's expiry the pass is looked at again and pushed.
 */
export function createWalletSyncMessage(deps: () => WalletDeps = defaultWalletDeps) {
  return inngest.createFunction(
    {
      id: "wallet-sync-message",
      name: "Wallet message (reminders, campaigns)",
      triggers: [{ event: events["wallet.message_requested"] }],
      retries: 6,
    },
    async ({ event, step }) => {
      const { cardId, reason, title, body } = event.data;
      const recorded = await step.run("record", async () => {
        const row = await recordWalletMessage(await dbReady(), { cardId, reason, title, body });
        return row ? { id: row.id, expiresAt: walletMessageExpiry(row).toISOString() } : null;
      });
      if (!recorded) return { cardId, skipped: "no such card" };
      const messageId = recorded.id;
      // Not forced: a repeated request finds the pass unchanged and its devices already pushed.
      const apple = await step.run("apple-push", async () => refreshApplePass(await dbReady(), deps(), cardId));
      const google = await step.run("google-message", async () => addGoogleMessage(await dbReady(), deps().google, messageId));
      // When the message expires it leaves the Apple pass (the pass no longer shows it, see
      // apple/state.ts): look at the pass again then, so devices get the pass without it. (Google
      // hides it by itself: the message carries its display end.)
      await step.sleepUntil("until-message-expires", recorded.expiresAt);
      const expired = await step.run("apple-message-expired", async () => refreshApplePass(await dbReady(), deps(), cardId));
      return { cardId, messageId, apple, google, expired };
    },
  );
}

export const walletSyncMessage = createWalletSyncMessage();

export const walletSyncMessageJob = describeJob(walletSyncMessage, { reportsRuns: false });
