import { and, eq, inArray, or, sql, type SQL } from "drizzle-orm";
import type { Executor } from "../db/client";
import { appleRegistrations, cards, googleWalletObjects } from "../db/schema";
import { loadCardView, type CardView } from "../lib/cards/view";
import { recordPassEvent, touchPassActivity } from "../lib/insights/pass-events";
import { ApnsSender, pushAll, type ApnsResult } from "./apple/apns";
import { loadPass, markPushed, needsPush } from "./apple/state";
import { appleConfig, googleConfig, type AppleConfig } from "./config";
import { GoogleWalletClient } from "./google/client";
import { syncGoogleClass, syncGoogleObject, type GoogleSyncOutcome } from "./google/sync";

/** What the wallet sync talks to; the defaults come from configuration, tests hand in fakes. */
export type WalletDeps = {
  apple: { config: AppleConfig; sender: Pick<ApnsSender, "send"> } | null;
  google: GoogleWalletClient | null;
};

let defaults: WalletDeps | undefined;

export function defaultWalletDeps(): WalletDeps {
  if (defaults) return defaults;
  const apple = appleConfig();
  const google = googleConfig();
  defaults = {
    apple: apple
      ? {
          config: apple,
          sender: new ApnsSender({
            baseUrl: apple.apns.baseUrl,
            cert: apple.certificates.signerCert,
            key: apple.certificates.signerKey,
            passphrase: apple.certificates.signerKeyPassphrase,
            ca: apple.apns.ca,
            token: apple.apns.token,
          }),
        }
      : null,
    // Development credentials with Google's real host: no calls at all (see GoogleConfig.mode).
    google: google && google.mode === "api" ? new GoogleWalletClient(google) : null,
  };
  return defaults;
}

export class PushFailedError extends Error {
  constructor(readonly failed: ApnsResult[]) {
    super(`APNs did not accept ${failed.length} push(es): ${failed.map((f) => `${f.status} ${f.reason ?? ""}`.trim()).join(", ")}`);
    this.name = "PushFailedError";
  }
}

/** APNs refused our credentials (403): no device gets any update until they are fixed. */
export class PushForbiddenError extends Error {
  constructor(readonly result: ApnsResult) {
    super(
      `APNs refused the push with 403 ${result.reason ?? ""}: the pass certificate (or APNs token key) is not accepted for this pass type id — ` +
        "expired, revoked, of another team, or for another topic. No Apple Wallet pass is updated until it is fixed.",
    );
    this.name = "PushForbiddenError";
  }
}

export type AppleSyncOutcome = { sent: number; unregistered: number; rejected: number } | null;

/** Answers that mean the token will never work again for this pass type: the registration goes. */
export const deadToken = (r: ApnsResult) => r.status === 410 || (r.status === 400 && (r.reason === "BadDeviceToken" || r.reason === "DeviceTokenNotForTopic"));

/**
 * Tells every device that holds the card's pass to fetch it again (an empty push). A 410
 * (Unregistered) or a 400 BadDeviceToken / DeviceTokenNotForTopic means the token is dead: its
 * registrations go. A 403 means our credentials are refused: thrown (PushForbiddenError), so the
 * job fails with that reason instead of reporting success. Throttling and server errors are
 * retried here and then thrown, so the job retries too.
 */
export async function pushAppleUpdate(db: Executor, deps: WalletDeps, cardId: string): Promise<AppleSyncOutcome> {
  if (!deps.apple) return null;
  const regs = await db
    .select({ pushToken: appleRegistrations.pushToken, passTypeId: appleRegistrations.passTypeId })
    .from(appleRegistrations)
    .where(and(eq(appleRegistrations.cardId, cardId), eq(appleRegistrations.passTypeId, deps.apple.config.passTypeId)));
  if (regs.length === 0) return { sent: 0, unregistered: 0, rejected: 0 };
  const results = await pushAll(deps.apple.sender, deps.apple.config.passTypeId, regs.map((r) => r.pushToken));
  const gone = results.filter(deadToken).map((r) => r.token);
  if (gone.length > 0) {
    // The device no longer has the pass (or never will get its updates): a removal.
    const dropped = await db
      .delete(appleRegistrations)
      .where(and(inArray(appleRegistrations.pushToken, gone), eq(appleRegistrations.passTypeId, deps.apple.config.passTypeId)))
      .returning({ cardId: appleRegistrations.cardId });
    for (const r of dropped) await recordPassEvent(db, { cardId: r.cardId, wallet: "apple", kind: "removed" });
  }
  const forbidden = results.find((r) => r.status === 403);
  if (forbidden) throw new PushForbiddenError(forbidden);
  const rejected = results.filter((r) => r.status >= 400 && r.status < 500 && !deadToken(r) && r.status !== 429);
  for (const r of rejected) console.warn(`[apns] push refused: ${r.status} ${r.reason ?? ""}`);
  const failed = results.filter((r) => r.status === 0 || r.status === 429 || r.status >= 500);
  if (failed.length > 0) throw new PushFailedError(failed);
  const sent = results.filter((r) => r.status === 200).length;
  if (sent > 0) await touchPassActivity(db, cardId, "applePushedAt");
  return { sent, unregistered: gone.length, rejected: rejected.length };
}

export type AppleRefreshOutcome = (NonNullable<AppleSyncOutcome> & { changed: boolean; pushed: boolean }) | null;

/**
 * Looks at the card's pass as it is now (which moves its Last-Modified and update tag when its
 * content changed, see apple/state.ts) and pushes its devices: always with `force` (a change of
 * the card itself), otherwise only when they were not pushed for this content yet (a fan-out
 * after a reward, location or program change, where most passes may not have changed at all).
 */
export async function refreshApplePass(db: Executor, deps: WalletDeps, cardId: string, opts: { force?: boolean; view?: CardView } = {}): Promise<AppleRefreshOutcome> {
  if (!deps.apple) return null;
  const pass = await loadPass(db, deps.apple.config, { cardId }, opts.view);
  if (!pass) return null;
  if (!opts.force && !needsPush(pass.state)) return { sent: 0, unregistered: 0, rejected: 0, changed: pass.state.changed, pushed: false };
  const outcome = (await pushAppleUpdate(db, deps, cardId))!;
  await markPushed(db, cardId, pass.state.modifiedAt);
  return { ...outcome, changed: pass.state.changed, pushed: true };
}

/**
 * One card brought up to date in both wallets from one read of its view: Apple devices pushed to
 * refetch (always, `force`), the Google object PATCHed. What the per-card wallet sync job runs.
 */
export async function syncWalletCard(db: Executor, deps: WalletDeps, cardId: string): Promise<{ apple: AppleRefreshOutcome; google: GoogleSyncOutcome }> {
  if (!deps.apple && !deps.google) return { apple: null, google: null };
  const view = (await loadCardView(db, { cardId })) ?? undefined;
  if (!view) return { apple: null, google: null };
  const apple = await refreshApplePass(db, deps, cardId, { force: true, view });
  const google = await syncGoogleCard(db, deps, cardId, view);
  return { apple, google };
}

/** A fan-out's page: each card's pass looked at again (pushed when it changed) and its Google object brought up to date. Returns how many passes were pushed. */
export async function syncWalletCards(db: Executor, deps: WalletDeps, cardIds: string[]): Promise<number> {
  let pushed = 0;
  for (const cardId of cardIds) {
    if ((await refreshApplePass(db, deps, cardId))?.pushed) pushed++;
    await syncGoogleCard(db, deps, cardId);
  }
  return pushed;
}

/** PATCHes the card's Google object (and its class when the design changed). */
export async function syncGoogleCard(db: Executor, deps: WalletDeps, cardId: string, loaded?: CardView): Promise<GoogleSyncOutcome> {
  if (!deps.google) return null;
  const view = loaded ?? (await loadCardView(db, { cardId }));
  if (!view) return null;
  const [saved] = await db.select({ cardId: googleWalletObjects.cardId }).from(googleWalletObjects).where(eq(googleWalletObjects.cardId, cardId));
  if (!saved) return null;
  await syncGoogleClass(db, deps.google, view);
  return syncGoogleObject(db, deps.google, view);
}

/** Cards of a program (or of a whole merchant) that live in at least one wallet, for a change of what they all show to reach them. */
export async function walletCardsOfProgram(db: Executor, programId: string, afterCardId = "", limit = 200): Promise<string[]> {
  return walletCards(db, eq(cards.programId, programId), afterCardId, limit);
}

export async function walletCardsOfMerchant(db: Executor, merchantId: string, afterCardId = "", limit = 200): Promise<string[]> {
  return walletCards(db, eq(cards.merchantId, merchantId), afterCardId, limit);
}

async function walletCards(db: Executor, scope: SQL, afterCardId: string, limit: number): Promise<string[]> {
  const rows = await db
    .select({ id: cards.id })
    .from(cards)
    .where(
      and(
        scope,
        sql`${cards.id} > ${afterCardId}`,
        or(
          sql`exists (select 1 from ${appleRegistrations} where ${appleRegistrations.cardId} = ${cards.id})`,
          sql`exists (select 1 from ${googleWalletObjects} where ${googleWalletObjects.cardId} = ${cards.id})`,
        ),
      ),
    )
    .orderBy(cards.id)
    .limit(limit);
  return rows.map((r) => r.id);
}
