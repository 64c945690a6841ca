import { and, eq, inArray, or, sql, type SQL } from "drizzle-orm";
import type { Executor } from "../db/client";
import { applePassStates, appleRegistrations, cards, googleWalletObjects } from "../db/schema";
import { loadCardView, loadCardViews, type CardView } from "../lib/cards/view";
import { recordPassEvent, touchPassActivities, touchPassActivity } from "../lib/insights/pass-events";
import { ApnsSender, pushAll, type ApnsResult } from "./apple/apns";
import { passFingerprint, passModel } from "./apple/pass";
import { latestPassMessages, markPushedMany, needsPush, observePasses, shownFor } from "./apple/state";
import { appleConfig, googleConfig, type AppleConfig } from "./config";
import { GoogleWalletClient } from "./google/client";
import { syncGoogleClass, syncGoogleObjects, type GoogleSyncOutcome } from "./google/sync";

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
  const tokens = (await registrationsOf(db, deps, [cardId])).get(cardId) ?? [];
  const outcome = await pushAppleTokens(db, deps, tokens);
  if (outcome.sent > 0) await touchPassActivity(db, cardId, "applePushedAt");
  return outcome;
}

/** The push tokens registered for these cards' passes (of our pass type), by card id. */
async function registrationsOf(db: Executor, deps: WalletDeps, cardIds: string[]): Promise<Map<string, string[]>> {
  const byCard = new Map<string, string[]>();
  if (!deps.apple || cardIds.length === 0) return byCard;
  const regs = await db
    .select({ cardId: appleRegistrations.cardId, pushToken: appleRegistrations.pushToken })
    .from(appleRegistrations)
    .where(and(inArray(appleRegistrations.cardId, cardIds), eq(appleRegistrations.passTypeId, deps.apple.config.passTypeId)));
  for (const r of regs) byCard.set(r.cardId, [...(byCard.get(r.cardId) ?? []), r.pushToken]);
  return byCard;
}

/** The pushes to one card's devices (see pushAppleUpdate), without noting the push time. */
async function pushAppleTokens(db: Executor, deps: WalletDeps, tokens: string[]): Promise<NonNullable<AppleSyncOutcome>> {
  if (!deps.apple || tokens.length === 0) return { sent: 0, unregistered: 0, rejected: 0 };
  const results = await pushAll(deps.apple.sender, deps.apple.config.passTypeId, tokens);
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
  const view = opts.view ?? (await loadCardView(db, { cardId }));
  if (!view) return null;
  const outcome = (await refreshApplePasses(db, deps, [view], { force: opts.force })).get(cardId)!;
  if (outcome instanceof Error) throw outcome;
  return outcome;
}

/**
 * refreshApplePass for a batch of cards: their pass states, messages and registrations read at
 * once, the passes whose content moved recorded in one statement, the pushes sent together over
 * the one HTTP/2 connection, and the push times noted in one statement each. A card whose push
 * fails gets its error in the map (and is not marked pushed); the others are done.
 */
export async function refreshApplePasses(db: Executor, deps: WalletDeps, views: CardView[], opts: { force?: boolean } = {}): Promise<Map<string, NonNullable<AppleRefreshOutcome> | Error>> {
  const out = new Map<string, NonNullable<AppleRefreshOutcome> | Error>();
  const apple = deps.apple;
  if (!apple || views.length === 0) return out;
  const ids = views.map((v) => v.card.id);
  const [priors, messages] = await Promise.all([db.select().from(applePassStates).where(inArray(applePassStates.cardId, ids)), latestPassMessages(db, ids)]);
  const priorOf = new Map(priors.map((p) => [p.cardId, p]));
  const seen = views.map((view) => {
    const prior = priorOf.get(view.card.id);
    const shown = shownFor(prior, view.card.balance, view.card.tier);
    const model = passModel(view, apple.config, messages.get(view.card.id) ?? null, { quietBalance: shown.quietBalance });
    return { cardId: view.card.id, fingerprint: passFingerprint(view, model), shown, prior };
  });
  const states = await observePasses(db, seen);
  const due = ids.filter((id) => opts.force || needsPush(states.get(id)!));
  for (const id of ids) {
    const state = states.get(id)!;
    if (!due.includes(id)) out.set(id, { sent: 0, unregistered: 0, rejected: 0, changed: state.changed, pushed: false });
  }
  const tokens = await registrationsOf(db, deps, due);
  const settled = await Promise.allSettled(due.map((id) => pushAppleTokens(db, deps, tokens.get(id) ?? [])));
  const pushed: { cardId: string; modifiedAt: Date }[] = [];
  settled.forEach((r, i) => {
    const id = due[i]!;
    const state = states.get(id)!;
    if (r.status === "rejected") {
      out.set(id, r.reason instanceof Error ? r.reason : new Error(String(r.reason)));
      return;
    }
    pushed.push({ cardId: id, modifiedAt: state.modifiedAt });
    out.set(id, { ...r.value, changed: state.changed, pushed: true });
  });
  await touchPassActivities(
    db,
    pushed.filter((p) => (out.get(p.cardId) as { sent: number }).sent > 0).map((p) => p.cardId),
    "applePushedAt",
  );
  await markPushedMany(db, pushed);
  return out;
}

export type WalletSyncOutcome = { cardId: string; apple: AppleRefreshOutcome; google: GoogleSyncOutcome };

/**
 * One card brought up to date in both wallets from one read of its view: Apple devices pushed to
 * refetch (always, `force`), the Google object PATCHed.
 */
export async function syncWalletCard(db: Executor, deps: WalletDeps, cardId: string): Promise<{ apple: AppleRefreshOutcome; google: GoogleSyncOutcome }> {
  const [outcome] = await syncWalletBatch(db, deps, [cardId], { force: true });
  if (!outcome) return { apple: null, google: null };
  if (outcome.error) throw outcome.error;
  return { apple: outcome.apple, google: outcome.google };
}

/**
 * Many cards brought up to date in both wallets (what the wallet sync job runs for a batch of
 * changes, and a fan-out for a page): their views read together (lib/cards/view loadCardViews),
 * then Apple (refreshApplePasses) and Google (syncGoogleObjects) each in a few statements for the
 * whole batch. `force` pushes Apple devices even when the pass looks unchanged (a change of the
 * card itself). Each card's own outcome, or its error: one card's failure does not hold back the
 * others. Cards that do not exist are left out.
 */
export async function syncWalletBatch(
  db: Executor,
  deps: WalletDeps,
  cardIds: string[],
  opts: { force?: boolean } = {},
): Promise<(WalletSyncOutcome & { error?: Error })[]> {
  if (!deps.apple && !deps.google) return [];
  const ids = [...new Set(cardIds)];
  const views = await loadCardViews(db, ids);
  const present = ids.flatMap((id) => (views.has(id) ? [views.get(id)!] : []));
  const apple = await refreshApplePasses(db, deps, present, opts);
  const google = await syncGoogleCards(db, deps, present);
  return present.map((view) => {
    const id = view.card.id;
    const a = apple.get(id) ?? null;
    const g = google.get(id) ?? null;
    const error = a instanceof Error ? a : g instanceof Error ? g : undefined;
    return { cardId: id, apple: a instanceof Error ? null : a, google: g instanceof Error ? null : g, ...(error ? { error } : {}) };
  });
}

/** A fan-out's page: each card's pass looked at again (pushed when it changed) and its Google object brought up to date. Returns how many passes were pushed. */
export async function syncWalletCards(db: Executor, deps: WalletDeps, cardIds: string[]): Promise<number> {
  const outcomes = await syncWalletBatch(db, deps, cardIds);
  const failed = outcomes.find((o) => o.error);
  if (failed) throw failed.error;
  return outcomes.filter((o) => o.apple?.pushed).length;
}

/** PATCHes the card's Google object (and its class when the design changed). */
export async function syncGoogleCard(db: Executor, deps: WalletDeps, cardId: string, loaded?: CardView): Promise<GoogleSyncOutcome> {
  if (!deps.google) return null;
  const view = loaded ?? (await loadCardView(db, { cardId }));
  if (!view) return null;
  const outcome = (await syncGoogleCards(db, deps, [view])).get(cardId);
  if (outcome instanceof Error) throw outcome;
  return outcome ?? null;
}

/**
 * syncGoogleCard for a batch: the saved objects read at once, each program's class synced once,
 * the objects by syncGoogleObjects. Cards never saved to Google Wallet are left out of the map.
 */
async function syncGoogleCards(db: Executor, deps: WalletDeps, views: CardView[]): Promise<Map<string, NonNullable<GoogleSyncOutcome> | Error>> {
  const gw = deps.google;
  if (!gw || views.length === 0) return new Map();
  const saved = await db.select().from(googleWalletObjects).where(inArray(googleWalletObjects.cardId, views.map((v) => v.card.id)));
  const knownOf = new Map(saved.map((s) => [s.cardId, s]));
  const items = views.flatMap((view) => (knownOf.has(view.card.id) ? [{ view, known: knownOf.get(view.card.id)! }] : []));
  const out = new Map<string, NonNullable<GoogleSyncOutcome> | Error>();
  // One class per program: synced once for the batch (an error there is every card's of that program).
  const classes = new Map<string, Error | null>();
  for (const { view } of items) {
    if (classes.has(view.program.id)) continue;
    try {
      await syncGoogleClass(db, gw, view);
      classes.set(view.program.id, null);
    } catch (error) {
      classes.set(view.program.id, error instanceof Error ? error : new Error(String(error)));
    }
  }
  const ready = items.filter(({ view }) => {
    const failed = classes.get(view.program.id);
    if (failed) out.set(view.card.id, failed);
    return !failed;
  });
  for (const [id, outcome] of await syncGoogleObjects(db, gw, ready)) out.set(id, outcome);
  return out;
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
