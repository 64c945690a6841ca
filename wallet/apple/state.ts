import { and, desc, eq, gt, inArray, sql } from "drizzle-orm";
import type { Executor } from "../../db/client";
import { applePassStates, walletMessages } from "../../db/schema";
import { loadCardView, type CardLookup, type CardView } from "../../lib/cards/view";
import type { AppleConfig } from "../config";
import { passFingerprint, passModel, renderPass, type PassMessage, type PassModel, type RenderedPass } from "./pass";

/**
 * When did a card's pass last change? Not when a row of the card, program or merchant was last
 * written — a reward, a location or a message changes the pass too, a row's timestamp can be
 * older than its commit, and HTTP dates have whole seconds — but when we first saw the pass show
 * something new. Every look at a pass (a device fetching it, a sync job before pushing) compares
 * a hash of its contents with the last one recorded; a new hash gets a new `modifiedAt` from the
 * database clock, in a later whole second than the previous one. So:
 *
 *  - Last-Modified is that moment in whole seconds, and a 304 is answered only when the device's
 *    If-Modified-Since is not older than it. A device holding an earlier content holds an earlier
 *    second, even when both contents were seen within the same second: it gets a 200.
 *  - `pushedAt` says which content devices were last pushed for, so a fan-out (a reward or a
 *    location changed) pushes exactly the passes whose content moved.
 */
export type PassState = { fingerprint: string; modifiedAt: Date; pushedAt: Date | null; changed: boolean };

/** Messages older than this no longer show on the pass (an expiry date long gone, an old campaign). */
export const PASS_MESSAGE_DAYS = 30;

/** The newest message for the card's holder, if a recent one exists. */
export async function latestPassMessage(db: Executor, cardId: string): Promise<PassMessage | null> {
  const [row] = await db
    .select({ title: walletMessages.title, body: walletMessages.body })
    .from(walletMessages)
    .where(and(eq(walletMessages.cardId, cardId), gt(walletMessages.createdAt, sql`now() - make_interval(days => ${PASS_MESSAGE_DAYS})`)))
    .orderBy(desc(walletMessages.createdAt), desc(walletMessages.id))
    .limit(1);
  return row ?? null;
}

/** The newest recent message of each of these cards (see latestPassMessage), by card id. */
export async function latestPassMessages(db: Executor, cardIds: string[]): Promise<Map<string, PassMessage>> {
  if (cardIds.length === 0) return new Map();
  const rows = await db
    .selectDistinctOn([walletMessages.cardId], { cardId: walletMessages.cardId, title: walletMessages.title, body: walletMessages.body })
    .from(walletMessages)
    .where(and(inArray(walletMessages.cardId, cardIds), gt(walletMessages.createdAt, sql`now() - make_interval(days => ${PASS_MESSAGE_DAYS})`)))
    .orderBy(walletMessages.cardId, desc(walletMessages.createdAt), desc(walletMessages.id));
  return new Map(rows.map((r) => [r.cardId, { title: r.title, body: r.body }]));
}

type Shown = { shownBalance: number; shownTier: string | null; quietBalance: boolean };
type PriorState = typeof applePassStates.$inferSelect;

/**
 * One notification per visit: a change that moves both balance and tier notifies the tier only.
 * Decided when the values change and kept with them, so the content stays put until the next change.
 */
export function shownFor(prior: PriorState | undefined, balance: number, tier: string | null): Shown {
  const quietBalance =
    !prior || prior.shownBalance === null
      ? false
      : prior.shownBalance === balance && prior.shownTier === tier
        ? prior.quietBalance
        : prior.shownBalance !== balance && prior.shownTier !== tier;
  return { shownBalance: balance, shownTier: tier, quietBalance };
}

/**
 * observePass for many cards at once: the content hashes of passes whose content moved are
 * written in one statement (with the same rule for `modifiedAt`); a pass another request recorded
 * meanwhile is looked at again on its own.
 */
export async function observePasses(
  db: Executor,
  seen: { cardId: string; fingerprint: string; shown: Shown; prior: PriorState | undefined }[],
): Promise<Map<string, PassState>> {
  const states = new Map<string, PassState>();
  const moved = seen.filter((s) => s.prior?.fingerprint !== s.fingerprint);
  for (const s of seen) {
    if (s.prior && s.prior.fingerprint === s.fingerprint) states.set(s.cardId, { fingerprint: s.fingerprint, modifiedAt: s.prior.modifiedAt, pushedAt: s.prior.pushedAt, changed: false });
  }
  if (moved.length > 0) {
    const rows = await db
      .insert(applePassStates)
      .values(moved.map((s) => ({ cardId: s.cardId, fingerprint: s.fingerprint, modifiedAt: sql`clock_timestamp()`, ...s.shown })))
      .onConflictDoUpdate({
        target: applePassStates.cardId,
        set: {
          fingerprint: sql`excluded.fingerprint`,
          shownBalance: sql`excluded.shown_balance`,
          shownTier: sql`excluded.shown_tier`,
          quietBalance: sql`excluded.quiet_balance`,
          modifiedAt: sql`greatest(clock_timestamp(), date_trunc('second', ${applePassStates.modifiedAt}) + interval '1 second')`,
          updatedAt: sql`now()`,
        },
        setWhere: sql`${applePassStates.fingerprint} <> excluded.fingerprint`,
      })
      .returning();
    for (const r of rows) states.set(r.cardId, { fingerprint: r.fingerprint, modifiedAt: r.modifiedAt, pushedAt: r.pushedAt, changed: true });
    for (const s of moved) if (!states.has(s.cardId)) states.set(s.cardId, await observePass(db, s.cardId, s.fingerprint, s.shown));
  }
  return states;
}

/** Records the pass's current content hash (and what it shows); a new hash moves `modifiedAt` (see above). */
export async function observePass(db: Executor, cardId: string, fingerprint: string, shown?: Shown): Promise<PassState> {
  for (let attempt = 0; ; attempt++) {
    const [known] = await db.select().from(applePassStates).where(eq(applePassStates.cardId, cardId));
    if (known && known.fingerprint === fingerprint) return { fingerprint, modifiedAt: known.modifiedAt, pushedAt: known.pushedAt, changed: false };
    const [moved] = await db
      .insert(applePassStates)
      .values({ cardId, fingerprint, modifiedAt: sql`clock_timestamp()`, ...shown })
      .onConflictDoUpdate({
        target: applePassStates.cardId,
        set: {
          fingerprint,
          ...shown,
          modifiedAt: sql`greatest(clock_timestamp(), date_trunc('second', ${applePassStates.modifiedAt}) + interval '1 second')`,
          updatedAt: sql`now()`,
        },
        // Two requests seeing the same new content at once move the time only once.
        setWhere: sql`${applePassStates.fingerprint} <> excluded.fingerprint`,
      })
      .returning();
    if (moved) return { fingerprint, modifiedAt: moved.modifiedAt, pushedAt: moved.pushedAt, changed: true };
    // Another request recorded this content a moment ago; read its time (and, should the content
    // have moved on again meanwhile, go round: the time returned must be this content's).
    if (attempt >= 3) throw new Error(`the pass of ${cardId} keeps changing; try again`);
  }
}

/** Notes that devices were pushed for the content of `modifiedAt`. */
export async function markPushed(db: Executor, cardId: string, modifiedAt: Date): Promise<void> {
  await markPushedMany(db, [{ cardId, modifiedAt }]);
}

/** markPushed for many cards, in one statement. */
export async function markPushedMany(db: Executor, pushed: { cardId: string; modifiedAt: Date }[]): Promise<void> {
  if (pushed.length === 0) return;
  const values = sql.join(
    pushed.map((p) => sql`(${p.cardId}::text, ${p.modifiedAt.toISOString()}::timestamptz)`),
    sql`, `,
  );
  await db.execute(sql`
    update ${applePassStates} set pushed_at = v.modified_at
    from (values ${values}) as v(card_id, modified_at)
    where ${applePassStates.cardId} = v.card_id and (${applePassStates.pushedAt} is null or ${applePassStates.pushedAt} < v.modified_at)`);
}

export const needsPush = (state: PassState) => state.pushedAt === null || state.pushedAt.getTime() < state.modifiedAt.getTime();

export type LoadedPass = { view: CardView; model: PassModel; state: PassState };

/** A card's pass as of now: its view, its model (with the newest message) and its state. Null when there is no such card. */
export async function loadPass(
  db: Executor,
  config: Pick<AppleConfig, "passTypeId" | "teamId" | "webServiceUrl">,
  lookup: CardLookup,
  loaded?: CardView,
): Promise<LoadedPass | null> {
  // A caller that already read the card's view (the wallet sync, for both wallets) hands it in.
  const view = loaded ?? (await loadCardView(db, lookup));
  if (!view) return null;
  const [prior] = await db.select().from(applePassStates).where(eq(applePassStates.cardId, view.card.id));
  const shown = shownFor(prior, view.card.balance, view.card.tier);
  const model = passModel(view, config, await latestPassMessage(db, view.card.id), { quietBalance: shown.quietBalance });
  const state = await observePass(db, view.card.id, passFingerprint(view, model), shown);
  return { view, model, state };
}

/** The .pkpass of a loaded pass, signed at (and Last-Modified) its state's time. */
export function renderLoadedPass(pass: LoadedPass, config: AppleConfig): RenderedPass {
  return renderPass(pass.view, config, { model: pass.model, modifiedAt: pass.state.modifiedAt });
}

/** HTTP dates have whole seconds: a pass is unchanged for a device whose date is not older than its second. */
export function notModifiedSince(modifiedAt: Date, ifModifiedSince: string | null): boolean {
  const since = ifModifiedSince ? Date.parse(ifModifiedSince) : Number.NaN;
  return !Number.isNaN(since) && Math.floor(modifiedAt.getTime() / 1000) * 1000 <= since;
}
