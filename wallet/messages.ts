import { createHash } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { z } from "zod";
import type { Executor } from "../db/client";
import { cards, googleWalletObjects, walletMessages, type WalletMessage } from "../db/schema";
import type { GoogleWalletClient } from "./google/client";
import { PASS_MESSAGE_DAYS } from "./apple/state";
import { postGoogleMessage } from "./google/notify";

/**
 * Messages for a card's holder (an expiry reminder, a campaign announcement), requested by the
 * `wallet.message_requested` event. Each is stored once per card and reason; the Apple pass shows
 * the newest on its back (apple/state.ts puts it in the pass, whose changeMessage makes the phone
 * show it), and each is added once to the card's Google object.
 */
export const WalletMessageInput = z.object({
  cardId: z.string().min(1).max(64),
  reason: z.string().min(1).max(200),
  title: z.string().trim().min(1).transform((t) => t.slice(0, 80)),
  body: z.string().trim().min(1).transform((b) => b.slice(0, 500)),
});
export type WalletMessageInput = z.input<typeof WalletMessageInput>;

/** The same card and reason always give the same id: a repeated request finds the first message. */
export const walletMessageId = (cardId: string, reason: string) => `wmsg_${createHash("sha256").update(`${cardId}\n${reason}`).digest("base64url").slice(0, 24)}`;

/** Stores the message (or finds the one stored for the same card and reason). Null when the card is gone. */
export async function recordWalletMessage(db: Executor, raw: WalletMessageInput): Promise<WalletMessage | null> {
  const input = WalletMessageInput.parse(raw);
  const [card] = await db.select({ id: cards.id }).from(cards).where(eq(cards.id, input.cardId));
  if (!card) return null;
  const id = walletMessageId(input.cardId, input.reason);
  await db.insert(walletMessages).values({ id, ...input }).onConflictDoNothing();
  const [row] = await db.select().from(walletMessages).where(and(eq(walletMessages.cardId, input.cardId), eq(walletMessages.reason, input.reason)));
  return row ?? null;
}

/** When a message leaves the passes: PASS_MESSAGE_DAYS after it was recorded. */
export const walletMessageExpiry = (message: Pick<WalletMessage, "createdAt">) => new Date(message.createdAt.getTime() + PASS_MESSAGE_DAYS * 86_400_000);

export type GoogleMessageOutcome = { added: boolean; notify: boolean; quotaLimited: boolean } | null;

/**
 * Adds the message to the card's Google object exactly once (google/notify.ts): TEXT_AND_NOTIFY
 * while the card's notifications of the last 24 hours are under Google's 3, TEXT after that or
 * when Google answers with a quota error. Null when the card was never saved to Google Wallet.
 */
export async function addGoogleMessage(db: Executor, gw: GoogleWalletClient | null, messageId: string, now = new Date()): Promise<GoogleMessageOutcome> {
  if (!gw) return null;
  const [message] = await db.select().from(walletMessages).where(eq(walletMessages.id, messageId));
  if (!message) return null;
  const [object] = await db.select().from(googleWalletObjects).where(eq(googleWalletObjects.cardId, message.cardId));
  if (!object) return null;
  const outcome = await postGoogleMessage(db, gw, object.objectId, { id: message.id, cardId: message.cardId, kind: "message", header: message.title, body: message.body, wantNotify: true, endsAt: walletMessageExpiry(message) }, now);
  if (!message.googleSentAt) await db.update(walletMessages).set({ googleSentAt: now }).where(eq(walletMessages.id, message.id));
  return outcome;
}
