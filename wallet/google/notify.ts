import { and, eq, gt, inArray, sql } from "drizzle-orm";
import type { Executor } from "../../db/client";
import { googleWalletMessages, googleWalletObjects, type GoogleWalletMessage } from "../../db/schema";
import { touchPassActivity } from "../../lib/insights/pass-events";
import { GoogleWalletError, type GoogleResponse, type GoogleWalletClient } from "./client";

/** Google allows 3 notifications (TEXT_AND_NOTIFY messages and notifyOnUpdate field changes) per pass per 24 hours. */
export const NOTIFICATIONS_PER_DAY = 3;
const DAY = 86_400_000;

/** One logical message or notifying update of a card's Google object; `id` is its id at Google and in google_wallet_messages. */
export type GoogleNotice = { id: string; cardId: string; kind: string; header: string; body: string; wantNotify: boolean; endsAt?: Date };

/**
 * Records the notice once (its id is the key) and decides whether it notifies: under a lock of the
 * card's google_wallet_objects row (SELECT … FOR UPDATE), the notifying rows of the last 24 hours
 * are counted and this one is written, so two jobs at once never both take the last notification.
 * A notice already recorded keeps its decision (a retry of the same job).
 */
export async function reserveGoogleNotice(db: Executor, notice: GoogleNotice, now = new Date()): Promise<GoogleWalletMessage> {
  return (await reserveGoogleNotices(db, [notice], now)).get(notice.id)!;
}

/**
 * reserveGoogleNotice for many notices (a batch of cards) in one transaction: the object rows of
 * their cards are locked together (in card order, so two batches cannot deadlock), the day's
 * notifications are counted per card, and the new notices are written at once. By notice id.
 */
export async function reserveGoogleNotices(db: Executor, notices: GoogleNotice[], now = new Date()): Promise<Map<string, GoogleWalletMessage>> {
  if (notices.length === 0) return new Map();
  return db.transaction(async (tx) => {
    const ids = notices.map((n) => n.id);
    const known = await tx.select().from(googleWalletMessages).where(inArray(googleWalletMessages.id, ids));
    const seen = new Set(known.map((k) => k.id));
    const fresh = notices.filter((n, i) => !seen.has(n.id) && ids.indexOf(n.id) === i);
    if (fresh.length > 0) {
      const cardIds = [...new Set(fresh.map((n) => n.cardId))].sort();
      await tx.select({ cardId: googleWalletObjects.cardId }).from(googleWalletObjects).where(inArray(googleWalletObjects.cardId, cardIds)).orderBy(googleWalletObjects.cardId).for("update");
      const counted = fresh.some((n) => n.wantNotify)
        ? await tx
            .select({ cardId: googleWalletMessages.cardId, n: sql<number>`count(*)::int` })
            .from(googleWalletMessages)
            .where(and(inArray(googleWalletMessages.cardId, cardIds), eq(googleWalletMessages.notify, true), gt(googleWalletMessages.createdAt, new Date(now.getTime() - DAY))))
            .groupBy(googleWalletMessages.cardId)
        : [];
      const used = new Map(counted.map((c) => [c.cardId, Number(c.n)]));
      const rows = fresh.map((notice) => {
        const taken = used.get(notice.cardId) ?? 0;
        const notify = notice.wantNotify && taken < NOTIFICATIONS_PER_DAY;
        if (notify) used.set(notice.cardId, taken + 1);
        return { id: notice.id, cardId: notice.cardId, kind: notice.kind, header: notice.header, body: notice.body, notify, createdAt: now };
      });
      await tx.insert(googleWalletMessages).values(rows).onConflictDoNothing();
    }
    const rows = await tx.select().from(googleWalletMessages).where(inArray(googleWalletMessages.id, ids));
    return new Map(rows.map((r) => [r.id, r]));
  });
}

/** Google's answer when the notification allowance or an API quota is used up. */
export function isQuotaAnswer(res: GoogleResponse): boolean {
  if (res.status === 429) return true;
  const text = JSON.stringify(res.data ?? "");
  return res.status >= 400 && /quota ?exceeded|RESOURCE_EXHAUSTED|rateLimitExceeded/i.test(text);
}

/** A quota answer made the notice go without a notification; it no longer counts against the budget. */
export async function noteQuotaFallback(db: Executor, id: string): Promise<void> {
  await db.update(googleWalletMessages).set({ notify: false, quotaLimited: true }).where(eq(googleWalletMessages.id, id));
}

export async function markNoticeSent(db: Executor, id: string, now = new Date()): Promise<void> {
  await markNoticesSent(db, [id], now);
}

export async function markNoticesSent(db: Executor, ids: string[], now = new Date()): Promise<void> {
  if (ids.length === 0) return;
  await db.update(googleWalletMessages).set({ sentAt: now }).where(and(inArray(googleWalletMessages.id, ids), sql`${googleWalletMessages.sentAt} is null`));
}

export type PostedMessage = { added: boolean; notify: boolean; quotaLimited: boolean };

/**
 * Adds a message to the object exactly once. Google may keep two messages with the same id, so a
 * retry after a lost answer cannot rely on a refusal: the object's messages are read first and the
 * message is added only when its id is not among them. The notification is decided once, under
 * the budget lock (reserveGoogleNotice); a quota answer falls back to a plain TEXT message (no
 * notification), recorded as `quotaLimited`.
 */
export async function postGoogleMessage(db: Executor, gw: GoogleWalletClient, objectId: string, notice: GoogleNotice, now = new Date()): Promise<PostedMessage> {
  let row = await reserveGoogleNotice(db, notice, now);
  if (row.sentAt) return { added: false, notify: row.notify, quotaLimited: row.quotaLimited };
  const path = `/loyaltyObject/${encodeURIComponent(objectId)}`;
  const current = await gw.call<{ messages?: { id?: string }[] }>("GET", path);
  if (current.status !== 200) throw new GoogleWalletError(current.status, "loyaltyObject get", current.data);
  await touchPassActivity(db, notice.cardId, "googleFetchedAt", now);
  if ((current.data.messages ?? []).some((m) => m.id === row.id)) {
    await markNoticeSent(db, row.id, now);
    return { added: false, notify: row.notify, quotaLimited: row.quotaLimited };
  }
  const displayInterval = notice.endsAt ? { displayInterval: { end: { date: notice.endsAt.toISOString() } } } : {};
  const post = (notify: boolean) =>
    gw.call("POST", `${path}/addMessage`, { message: { id: row.id, header: row.header, body: row.body, messageType: notify ? "TEXT_AND_NOTIFY" : "TEXT", ...displayInterval } });
  let res = await post(row.notify);
  if (row.notify && isQuotaAnswer(res)) {
    await noteQuotaFallback(db, row.id);
    row = { ...row, notify: false, quotaLimited: true };
    res = await post(false);
  }
  // 409: an older Google that refuses a repeated id; the message is there either way.
  if (res.status !== 200 && res.status !== 409) throw new GoogleWalletError(res.status, "addMessage", res.data);
  await markNoticeSent(db, row.id, now);
  return { added: true, notify: row.notify, quotaLimited: row.quotaLimited };
}
