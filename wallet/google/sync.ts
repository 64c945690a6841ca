import { createHash } from "node:crypto";
import { and, eq, gt, sql } from "drizzle-orm";
import type { Executor } from "../../db/client";
import { googleWalletClasses, googleWalletObjects, vouchers } from "../../db/schema";
import { cardLinks } from "../../lib/cards/links";
import { referralOfferText } from "../../lib/lifecycle/offer-text";
import { cardQrToken } from "../../lib/cards/token";
import type { CardView } from "../../lib/cards/view";
import { env } from "../../lib/env";
import { touchPassActivities } from "../../lib/insights/pass-events";
import { asLanguage, translator, type Language, type Translator } from "../../lib/i18n";
import { toMicros } from "../../lib/money";
import { goalPassText, googleLocalized, localizedText, nextRewardTitle, passDate } from "../localized";
import { programExpiry } from "../program-end";
import { GoogleWalletClient, GoogleWalletError } from "./client";
import { stampHeroUrl } from "./hero";
import { isQuotaAnswer, markNoticesSent, noteQuotaFallback, postGoogleMessage, reserveGoogleNotices } from "./notify";

export { NOTIFICATIONS_PER_DAY } from "./notify";

const hash = (v: unknown) => createHash("sha256").update(JSON.stringify(v)).digest("hex");

export function loyaltyClass(gw: GoogleWalletClient, view: CardView) {
  const { program, merchant } = view;
  return {
    id: gw.classId(program.id),
    issuerName: merchant.name.slice(0, 20),
    programName: program.name,
    programLogo: {
      sourceUri: { uri: `${env.APP_URL.replace(/\/$/, "")}/api/wallet/google/logo/${program.id}` },
      contentDescription: googleLocalized("en", localizedText("en", (tr) => tr.t("pass.logo", { program: program.name }))),
    },
    // The class is shared by the program's members: English by default, with every translation.
    accountNameLabel: "Member",
    localizedAccountNameLabel: googleLocalized("en", localizedText("en", (tr) => tr.t("pass.member"))),
    accountIdLabel: "Member code",
    localizedAccountIdLabel: googleLocalized("en", localizedText("en", (tr) => tr.t("pass.member_code"))),
    hexBackgroundColor: program.design.backgroundColor,
    reviewStatus: "UNDER_REVIEW",
    multipleDevicesAndHoldersAllowedStatus: "ONE_USER_ALL_DEVICES",
    locations: view.locations.map((l) => ({ latitude: l.latitude, longitude: l.longitude })),
    // Google posts a signed message here whenever a holder saves or deletes a card (wallet/google/callback.ts).
    callbackOptions: { url: `${env.APP_URL.replace(/\/$/, "")}/api/wallet/google/callback` },
  };
}

/** A label or text of the object in every language: `text` in the holder's, `localized` as Google's LocalizedString. */
function localized(lang: Language, build: (tr: Translator) => string) {
  const t = localizedText(lang, build);
  return { text: t.text, localized: googleLocalized(lang, t) };
}

const holderLanguage = (view: CardView) => asLanguage(view.customer.language);

function balance(view: CardView) {
  const { card, program } = view;
  const label = (key: "pass.cashback" | "pass.points" | "card.stamps") => {
    const l = localized(holderLanguage(view), (tr) => tr.t(key));
    return { label: l.text, localizedLabel: l.localized };
  };
  if (program.kind === "cashback") {
    return { ...label("pass.cashback"), balance: { money: { micros: String(toMicros(card.balance, program.currency)), currencyCode: program.currency } } };
  }
  if (program.kind === "stamps") return { ...label("card.stamps"), balance: { string: `${card.balance}/${program.stampsRequired ?? 10}` } };
  return { ...label("pass.points"), balance: { int: card.balance } };
}

/**
 * What the object of a closed card (its customer erased) keeps at Google: expired (moved to the
 * holder's expired passes), without the name, member id, modules, links or messages. Sent as a
 * PATCH, so every field that held personal data is given explicitly empty.
 */
function closedObjectFields(view: CardView) {
  return {
    state: "EXPIRED",
    accountName: "",
    accountId: "",
    loyaltyPoints: balance(view),
    barcode: { type: "QR_CODE", value: view.card.id, alternateText: "" },
    textModulesData: [],
    linksModuleData: { uris: [] },
    messages: [],
  };
}

/** The back links: the card page (to manage the card or unsubscribe), and the merchant's website, phone and terms when set. */
function links(view: CardView) {
  const { card, merchant } = view;
  const lang = holderLanguage(view);
  const page = cardLinks(card).card;
  const uri = (id: string, target: string, description: (tr: Translator) => string) => {
    const d = localized(lang, description);
    return { id, uri: target, description: d.text, localizedDescription: d.localized };
  };
  const uris = [uri("card_page", page, (tr) => tr.t("pass.card_and_rewards"))];
  if (merchant.websiteUrl) uris.push(uri("website", merchant.websiteUrl, (tr) => tr.t("pass.website")));
  if (merchant.phone) uris.push(uri("phone", `tel:${merchant.phone.replace(/[^+\d]/g, "")}`, (tr) => tr.t("pass.call_us")));
  if (merchant.termsUrl) uris.push(uri("terms", merchant.termsUrl, (tr) => tr.t("pass.terms.google")));
  uris.push(uri("referral", view.referral.link, (tr) => tr.t("pass.invite")));
  uris.push(uri("manage", page, (tr) => tr.t("pass.manage.link")));
  return { uris };
}

/** Stamp programs: the stamp grid (filled and empty) as the object's hero image, at a content-addressed URL. */
function heroImage(view: CardView) {
  const { card, program } = view;
  if (program.kind !== "stamps") return null;
  const total = program.stampsRequired ?? 10;
  const filled = Math.min(card.balance, total);
  return {
    sourceUri: { uri: stampHeroUrl(program.design, filled, total) },
    contentDescription: googleLocalized(holderLanguage(view), localizedText(holderLanguage(view), (tr) => tr.t("card.stamps_of", { count: filled, total }))),
  };
}

/** The program's end (or its closing), as the object's validity: Google moves the pass to expired then. */
function validTimeInterval(view: CardView) {
  const end = programExpiry(view.program);
  return end ? { end: { date: end.toISOString() } } : null;
}

/** The fields of the loyalty object that follow the card; PATCHed whenever they change. */
export function loyaltyObjectFields(view: CardView) {
  const { card } = view;
  if (card.status === "closed") return closedObjectFields(view);
  const lang = holderLanguage(view);
  const textModule = (id: string, header: (tr: Translator) => string, body: (tr: Translator) => string) => {
    const h = localized(lang, header);
    const b = localized(lang, body);
    return { id, header: h.text, body: b.text, localizedHeader: h.localized, localizedBody: b.localized };
  };
  const modules: ReturnType<typeof textModule>[] = [];
  const next = view.next;
  if (next) modules.push(textModule("next", (tr) => tr.t("pass.next"), (tr) => tr.t("pass.next.google", { reward: nextRewardTitle(view, tr), count: next.remaining })));
  const tier = view.tier;
  if (tier) {
    const up = tier.next;
    modules.push(textModule("tier", (tr) => tr.t("pass.tier_plain"), (tr) => (up ? tr.t("pass.tier_progress", { tier: tier.name, count: up.remaining, next: up.name }) : tier.name)));
  }
  const expiring = view.expiring;
  if (expiring) {
    modules.push(
      textModule(
        "expiring",
        (tr) => tr.t("pass.expiring.google"),
        (tr) => tr.t("pass.expiring.value", { count: expiring.points, date: passDate(tr, expiring.at, view.merchant.timezone) }),
      ),
    );
  }
  const offer = view.referral.offer;
  if (offer) modules.push(textModule("referral", (tr) => tr.t("pass.invite"), (tr) => referralOfferText(tr, view.program, offer)));
  const goal = view.goals[0];
  if (goal) modules.push(textModule("goal", (tr) => tr.t("goal.pass.label"), (tr) => goalPassText(tr, goal, view)));
  const hero = heroImage(view);
  const validity = validTimeInterval(view);
  const tierLabel = localized(lang, (tr) => tr.t("pass.tier_plain"));
  return {
    state: card.status === "active" ? "ACTIVE" : "INACTIVE",
    accountId: card.referralCode,
    accountName: view.customer.name ?? view.customer.email,
    loyaltyPoints: balance(view),
    barcode: { type: "QR_CODE", value: cardQrToken(card), alternateText: card.referralCode },
    // The member's tier, beside the balance (Google's second loyalty points slot).
    // Given as null when absent, so a PATCH clears a tier or an end date that went away.
    secondaryLoyaltyPoints: view.tier ? { label: tierLabel.text, localizedLabel: tierLabel.localized, balance: { string: view.tier.name } } : null,
    ...(hero ? { heroImage: hero } : {}),
    validTimeInterval: validity,
    textModulesData: modules,
    linksModuleData: links(view),
  };
}

export function loyaltyObject(gw: GoogleWalletClient, view: CardView) {
  return { id: gw.objectId(view.card.id), classId: gw.classId(view.program.id), ...loyaltyObjectFields(view) };
}

async function insertOrPatch(gw: GoogleWalletClient, kind: "loyaltyClass" | "loyaltyObject", body: { id: string }) {
  const inserted = await gw.call("POST", `/${kind}`, body);
  if (inserted.status === 200) return "inserted" as const;
  if (inserted.status !== 409) throw new GoogleWalletError(inserted.status, `${kind} insert`, inserted.data);
  const patched = await gw.call("PATCH", `/${kind}/${encodeURIComponent(body.id)}`, body);
  if (patched.status !== 200) throw new GoogleWalletError(patched.status, `${kind} patch`, patched.data);
  return "patched" as const;
}

/** Inserts the program's loyalty class, or PATCHes it when its design changed since the last time. */
export async function syncGoogleClass(db: Executor, gw: GoogleWalletClient, view: CardView): Promise<"unchanged" | "inserted" | "patched"> {
  const body = loyaltyClass(gw, view);
  const h = hash(body);
  const [known] = await db.select().from(googleWalletClasses).where(eq(googleWalletClasses.programId, view.program.id));
  if (known?.syncedHash === h) return "unchanged";
  const outcome = await insertOrPatch(gw, "loyaltyClass", body);
  await db
    .insert(googleWalletClasses)
    .values({ programId: view.program.id, classId: body.id, syncedHash: h })
    .onConflictDoUpdate({ target: googleWalletClasses.programId, set: { syncedHash: h, updatedAt: new Date() } });
  return outcome;
}

/**
 * Makes sure the card's class and object exist at Google and returns the save link. Called when
 * the customer taps "Add to Google Wallet"; from then on the card's changes are PATCHed.
 */
export async function googleSaveUrl(db: Executor, gw: GoogleWalletClient, view: CardView): Promise<string> {
  await syncGoogleClass(db, gw, view);
  const [known] = await db.select().from(googleWalletObjects).where(eq(googleWalletObjects.cardId, view.card.id));
  if (!known) {
    const body = loyaltyObject(gw, view);
    await insertOrPatch(gw, "loyaltyObject", body);
    await db
      .insert(googleWalletObjects)
      .values({ cardId: view.card.id, objectId: body.id, classId: body.classId, syncedHash: hash(loyaltyObjectFields(view)), syncedBalance: view.card.balance, syncedTier: view.card.tier })
      .onConflictDoNothing();
  }
  return gw.saveUrl(gw.objectId(view.card.id));
}

type Milestone = { kind: "reward_unlocked" | "tier_up"; header: string; body: string };

async function milestones(db: Executor, view: CardView, synced: { syncedBalance: number; syncedTier: string | null; syncedAt: Date }): Promise<Milestone[]> {
  const { card, program } = view;
  const tr = translator(holderLanguage(view));
  const found: Milestone[] = [];
  const levels = program.tiers?.levels.map((l) => l.name) ?? [];
  if (card.tier && card.tier !== synced.syncedTier && levels.indexOf(card.tier) > levels.indexOf(synced.syncedTier ?? "")) {
    found.push({ kind: "tier_up", header: tr.t("pass.msg.tier_up.title", { tier: card.tier }), body: tr.t("pass.msg.tier_up.body", { tier: card.tier, program: program.name }) });
  }
  if (program.kind === "points") {
    const unlocked = view.open.filter((r) => r.cost > synced.syncedBalance && r.cost <= card.balance);
    if (unlocked.length > 0) {
      const best = unlocked[unlocked.length - 1]!;
      found.push({ kind: "reward_unlocked", header: tr.t("pass.msg.unlocked.title"), body: tr.t("pass.msg.unlocked.body", { reward: best.name }) });
    }
  } else if (program.kind === "stamps") {
    const [fresh] = await db
      .select({ title: vouchers.title })
      .from(vouchers)
      .where(and(eq(vouchers.cardId, card.id), gt(vouchers.createdAt, synced.syncedAt), eq(vouchers.status, "issued")))
      .limit(1);
    if (fresh) found.push({ kind: "reward_unlocked", header: tr.t("pass.msg.full.title"), body: tr.t("pass.msg.full.body", { reward: fresh.title }) });
  }
  return found;
}

export type GoogleSyncOutcome = { patched: boolean; notified: boolean; messages: { kind: string; notify: boolean; quotaLimited: boolean }[] } | null;

type SavedObject = typeof googleWalletObjects.$inferSelect;

/** At most `limit` of `fn` at once over `items`; every item's result or error, in order. */
export async function settleLimited<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<PromiseSettledResult<R>[]> {
  const results: PromiseSettledResult<R>[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) {
      try {
        results[i] = { status: "fulfilled", value: await fn(items[i]!) };
      } catch (reason) {
        results[i] = { status: "rejected", reason };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** How many Google calls of one batch are under way at once. */
export const GOOGLE_PARALLEL = 8;

/**
 * Brings the card's Google object up to date: a PATCH when what it shows changed, and a message
 * for each milestone since the last sync. One visit makes at most one notification, within the
 * card's daily budget (google/notify.ts): the first milestone message (reward unlocked, new tier)
 * when there is one, otherwise the balance or tier change itself (the PATCH carries
 * `notifyPreference: notifyOnUpdate`). Ids derive from the last synced state, so a retried job
 * finds its own messages and notices instead of adding them again.
 * Null when the customer never saved the card to Google Wallet.
 */
export async function syncGoogleObject(db: Executor, gw: GoogleWalletClient, view: CardView, now = new Date()): Promise<GoogleSyncOutcome> {
  const [known] = await db.select().from(googleWalletObjects).where(eq(googleWalletObjects.cardId, view.card.id));
  if (!known) return null;
  const outcome = (await syncGoogleObjects(db, gw, [{ view, known }], now)).get(view.card.id)!;
  if (outcome instanceof Error) throw outcome;
  return outcome;
}

/**
 * syncGoogleObject for a batch of cards (each with its saved object row): the notices of all of
 * them reserved in one transaction, the PATCHes and messages GOOGLE_PARALLEL at a time, and what
 * was sent recorded in one statement per table. A card that fails (its PATCH refused) gets its
 * error in the map and keeps its last synced state, so the next run tries it again; the others
 * are done.
 */
export async function syncGoogleObjects(
  db: Executor,
  gw: GoogleWalletClient,
  items: { view: CardView; known: SavedObject }[],
  now = new Date(),
): Promise<Map<string, NonNullable<GoogleSyncOutcome> | Error>> {
  const out = new Map<string, NonNullable<GoogleSyncOutcome> | Error>();
  const plans = await Promise.all(
    items.map(async ({ view, known }) => {
      const fields = loyaltyObjectFields(view);
      const h = hash(fields);
      const due = view.card.status === "active" ? await milestones(db, view, known) : [];
      const valueChanged = view.card.status === "active" && (view.card.balance !== known.syncedBalance || view.card.tier !== known.syncedTier);
      const since = known.syncedAt.getTime();
      const notice =
        h !== known.syncedHash && valueChanged && due.length === 0
          ? {
              id: `update_${view.card.id}_${since}`,
              cardId: view.card.id,
              kind: "field_update",
              header: "Balance",
              body: `${view.card.balance}${view.card.tier ? ` · ${view.card.tier}` : ""}`,
              wantNotify: true,
            }
          : null;
      return { view, known, fields, h, due, since, notice };
    }),
  );
  const reserved = await reserveGoogleNotices(
    db,
    plans.flatMap((p) => (p.notice ? [p.notice] : [])),
    now,
  );

  const settled = await settleLimited(plans, GOOGLE_PARALLEL, async (plan) => {
    const { view, known, fields, h, due, since } = plan;
    let patched = false;
    let notified = false;
    let noticeSent: string | null = null;
    if (h !== known.syncedHash) {
      let notifyOnUpdate = plan.notice ? (reserved.get(plan.notice.id)?.notify ?? false) : false;
      const path = `/loyaltyObject/${encodeURIComponent(known.objectId)}`;
      let res = await gw.call("PATCH", path, notifyOnUpdate ? { ...fields, notifyPreference: "notifyOnUpdate" } : fields);
      if (notifyOnUpdate && isQuotaAnswer(res)) {
        await noteQuotaFallback(db, plan.notice!.id);
        notifyOnUpdate = false;
        res = await gw.call("PATCH", path, fields);
      }
      if (res.status !== 200) throw new GoogleWalletError(res.status, "loyaltyObject patch", res.data);
      if (notifyOnUpdate) noticeSent = plan.notice!.id;
      patched = true;
      notified = notifyOnUpdate;
    }
    const sent: { kind: string; notify: boolean; quotaLimited: boolean }[] = [];
    for (const [i, m] of due.entries()) {
      const posted = await postGoogleMessage(
        db,
        gw,
        known.objectId,
        { id: `${m.kind}_${view.card.id}_${since}`, cardId: view.card.id, kind: m.kind, header: m.header, body: m.body, wantNotify: i === 0 },
        now,
      );
      if (posted.notify) notified = true;
      sent.push({ kind: m.kind, notify: posted.notify, quotaLimited: posted.quotaLimited });
    }
    return { cardId: view.card.id, h, balance: view.card.balance, tier: view.card.tier, noticeSent, outcome: { patched, notified, messages: sent } };
  });

  const done = settled.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
  await touchPassActivities(
    db,
    done.filter((d) => d.outcome.patched).map((d) => d.cardId),
    "googlePushedAt",
    now,
  );
  await markNoticesSent(
    db,
    done.flatMap((d) => (d.noticeSent ? [d.noticeSent] : [])),
    now,
  );
  if (done.length > 0) {
    const values = sql.join(
      done.map((d) => sql`(${d.cardId}::text, ${d.h}::text, ${d.balance}::int, ${d.tier}::text)`),
      sql`, `,
    );
    await db.execute(sql`
      update ${googleWalletObjects}
      set synced_hash = v.hash, synced_balance = v.balance, synced_tier = v.tier, synced_at = ${now.toISOString()}::timestamptz, updated_at = ${now.toISOString()}::timestamptz
      from (values ${values}) as v(card_id, hash, balance, tier)
      where ${googleWalletObjects.cardId} = v.card_id`);
  }
  settled.forEach((r, i) => out.set(plans[i]!.view.card.id, r.status === "fulfilled" ? r.value.outcome : asError(r.reason)));
  return out;
}

const asError = (e: unknown) => (e instanceof Error ? e : new Error(String(e)));
