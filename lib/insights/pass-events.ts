import { inArray, sql } from "drizzle-orm";
import { queryRows, type Executor } from "../../db/client";
import { walletPassActivity, type WalletPassActivity } from "../../db/schema";
import { newId } from "../ids";

export type PassWallet = "apple" | "google";
export type PassEventKind = "installed" | "removed";

export type PassEventInput = {
  cardId: string;
  wallet: PassWallet;
  kind: PassEventKind;
  /** When it happened (a Google callback's own time is not sent; default: now). */
  at?: Date;
  /** Events with the same key are recorded once (a retried Google callback). */
  dedupeKey?: string;
};

/**
 * Records that a pass was installed in or removed from a wallet (the overview's installs, removals
 * and active passes). The merchant is the card's. Returns whether it was recorded: false for a
 * repeated `dedupeKey` or a card that does not exist.
 */
export async function recordPassEvent(db: Executor, input: PassEventInput): Promise<boolean> {
  const at = (input.at ?? new Date()).toISOString();
  const rows = await queryRows<{ id: string }>(
    db,
    sql`insert into wallet_pass_events (id, merchant_id, card_id, wallet, kind, at, dedupe_key)
        select ${newId("wpe")}, c.merchant_id, c.id, ${input.wallet}, ${input.kind}, ${at}::timestamptz, ${input.dedupeKey ?? null}
        from cards c where c.id = ${input.cardId}
        on conflict (dedupe_key) do nothing
        returning id`,
  );
  return rows.length > 0;
}

export type PassActivityField = "applePushedAt" | "appleFetchedAt" | "googlePushedAt" | "googleFetchedAt";

/** Notes that a wallet copy of the card was just pushed or fetched (see walletPassActivity). */
export async function touchPassActivity(db: Executor, cardId: string, field: PassActivityField, at = new Date()): Promise<void> {
  await touchPassActivities(db, [cardId], field, at);
}

/** touchPassActivity for many cards, in one statement. */
export async function touchPassActivities(db: Executor, cardIds: string[], field: PassActivityField, at = new Date()): Promise<void> {
  if (cardIds.length === 0) return;
  await db
    .insert(walletPassActivity)
    .values([...new Set(cardIds)].map((cardId) => ({ cardId, [field]: at })))
    .onConflictDoUpdate({ target: walletPassActivity.cardId, set: { [field]: at } });
}

/** Push and fetch times of these cards' wallet copies, by card id. */
export async function passActivity(db: Executor, cardIds: string[]): Promise<Map<string, WalletPassActivity>> {
  if (cardIds.length === 0) return new Map();
  const rows = await db.select().from(walletPassActivity).where(inArray(walletPassActivity.cardId, cardIds));
  return new Map(rows.map((r) => [r.cardId, r]));
}
