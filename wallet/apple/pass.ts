import { createHash } from "node:crypto";
import { PKPass, PassType, type Field, type Location, type OverridablePassProps } from "passkit-generator";
import { cardLinks } from "../../lib/cards/links";
import { referralOfferText } from "../../lib/lifecycle/offer-text";
import { cardQrToken } from "../../lib/cards/token";
import type { CardView } from "../../lib/cards/view";
import { asLanguage, LANGUAGES, type Language, type Translator } from "../../lib/i18n";
import { toMajor } from "../../lib/money";
import { rewardUnavailable } from "../../lib/rewards/availability";
import { unavailableText } from "../../lib/rewards/availability-text";
import type { AppleConfig } from "../config";
import { goalPassText, localizedText, nextRewardTitle, passDate, sameText, type LocalizedText } from "../localized";
import { passImages, type PassImages, type StripInput } from "./images";
import { programExpiry } from "../program-end";

import { scratchCertificates, signManifest } from "./sign";
import { passStringsFile } from "./strings";
import { storedZip } from "./zip";

export const PKPASS_MIME = "application/vnd.apple.pkpass";

type Fields = { header: Field[]; primary: Field[]; secondary: Field[]; auxiliary: Field[]; back: Field[] };

/** The pass's contents for a card: pure, so the same database state always gives the same pass. */
export type PassModel = {
  props: OverridablePassProps & Record<string, unknown>;
  fields: Fields;
  barcode: { message: string; format: "PKBarcodeFormatQR"; messageEncoding: string; altText?: string };
  locations: Location[];
  strip: StripInput;
  /** The pass's language (its texts in pass.json are in it) and, per language, every text of pass.json with its translation: the `<lang>.lproj/pass.strings` files. */
  language: Language;
  strings: Record<Language, [string, string][]>;
  /** ISO 8601: when the pass expires (the program's end), or null. */
  expiresAt: string | null;
};

const escAttr = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);


const rgb = (hex: string) => {
  const n = Number.parseInt(hex.slice(1), 16);
  return `rgb(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255})`;
};

function unit(tr: Translator, view: CardView, count: number): string {
  return tr.t(view.program.kind === "stamps" ? "unit.stamps" : "unit.points", { count });
}

/**
 * The texts of a pass: each one goes into pass.json in the holder's language and is a key of
 * every `<lang>.lproj/pass.strings`, so an iPhone shows the pass in the phone's own language, and
 * any other phone in the holder's. Texts that read the same everywhere (a merchant's message) are
 * keys too, so every label of the pass is in every strings file.
 */
class PassTexts {
  private readonly texts = new Map<string, LocalizedText>();
  constructor(readonly language: Language) {}
  /** A text built in every language by the same recipe; returns the holder's. */
  t(build: (tr: Translator) => string): string {
    return this.add(localizedText(this.language, build));
  }
  /** A text the same in every language. */
  same(text: string): string {
    return this.add(sameText(text));
  }
  private add(t: LocalizedText): string {
    // The first translation of a text wins: two recipes that read the same in the holder's language are one key.
    if (!this.texts.has(t.text)) this.texts.set(t.text, t);
    return t.text;
  }
  strings(): Record<Language, [string, string][]> {
    const entries = [...this.texts.values()].sort((a, b) => (a.text < b.text ? -1 : a.text > b.text ? 1 : 0));
    return Object.fromEntries(LANGUAGES.map((l) => [l, entries.map((e) => [e.text, e.all[l]] as [string, string])])) as Record<Language, [string, string][]>;
  }
}

/** A message for the holder (an expiry reminder, a campaign), shown on the back of the pass. */
export type PassMessage = { title: string; body: string };

/**
 * How the pass may notify. Wallet shows one lock-screen notification per changed field that has a
 * changeMessage, so only the balance, the tier and the back-of-pass message have one; and when a
 * visit moves the tier as well as the balance, `quietBalance` drops the balance's changeMessage,
 * so that visit makes one notification ("Welcome to Gold!"), not two.
 */
export type NotifyPolicy = { quietBalance: boolean };

/** After a catalog line on the back: why this card cannot take the reward now (sold out, another tier, outside its dates), or nothing. */
function catalogNote(tr: Translator, reward: CardView["rewards"][number], view: CardView): string {
  if (view.open.some((r) => r.id === reward.id)) return "";
  const why = rewardUnavailable(reward, view.card, new Date());
  if (!why) return "";
  return why.reason === "out_of_stock" ? ` ${tr.t("pass.out_of_stock")}` : ` (${unavailableText(tr, why, reward)})`;
}

export function passModel(
  view: CardView,
  config: Pick<AppleConfig, "passTypeId" | "teamId" | "webServiceUrl">,
  message: PassMessage | null = null,
  policy: NotifyPolicy = { quietBalance: false },
): PassModel {
  const { card, program, merchant } = view;
  const design = program.design;
  const fields: Fields = { header: [], primary: [], secondary: [], auxiliary: [], back: [] };
  const closed = card.status === "closed";
  const L = new PassTexts(asLanguage(view.customer.language));
  // A closed (erased) card notifies nothing and shows no personal data.
  const changeMessage = (text: () => string) => (policy.quietBalance || closed ? {} : { changeMessage: text() });

  let strip: StripInput;
  if (program.kind === "stamps") {
    const total = program.stampsRequired ?? 10;
    strip = { kind: "stamps", filled: Math.min(card.balance, total), total };
    fields.header.push({ key: "balance", label: L.t((tr) => tr.t("pass.stamps")), value: `${card.balance}/${total}`, ...changeMessage(() => L.t((tr) => tr.t("pass.change.stamps"))) });
  } else if (program.kind === "cashback") {
    strip = { kind: "points", progress: null };
    fields.primary.push({
      key: "balance",
      label: L.t((tr) => tr.t("pass.cashback")),
      // Wallet formats a number with currencyCode itself; it wants major units (¥1,250, KWD 3.125).
      value: toMajor(card.balance, program.currency),
      currencyCode: program.currency,
      ...changeMessage(() => L.t((tr) => tr.t("pass.change.cashback"))),
    });
  } else {
    strip = { kind: "points", progress: view.next ? card.balance / view.next.target : 1 };
    fields.primary.push({ key: "balance", label: L.t((tr) => tr.t("pass.points")), value: card.balance, ...changeMessage(() => L.t((tr) => tr.t("pass.change.points"))) });
  }

  if (view.tier) fields.header.push({ key: "tier", label: L.t((tr) => tr.t("pass.tier")), value: view.tier.name, ...(closed ? {} : { changeMessage: L.t((tr) => tr.t("pass.change.tier")) }) });

  if (view.next) {
    const next = view.next;
    const value = L.t((tr) =>
      program.kind === "stamps" ? tr.t("pass.next.stamps", { reward: nextRewardTitle(view, tr), count: next.remaining }) : tr.t("pass.next.points", { reward: next.title, count: next.remaining }),
    );
    // No changeMessage: it moves with every purchase, and the balance already says so.
    fields.secondary.push({ key: "next", label: L.t((tr) => tr.t("pass.next")), value });
  }
  // What the customer can redeem right now: affordable and in stock, as on the card page. Shown
  // only when there is something (never an empty "—"), and silent: the balance notifies.
  const unlocked = program.kind === "points" ? view.open.filter((r) => r.cost <= card.balance) : [];
  if (unlocked.length > 0) {
    fields.secondary.push({
      key: "ready",
      label: L.t((tr) => tr.t("pass.ready")),
      value: unlocked.length === 1 ? unlocked[0]!.name : L.t((tr) => tr.t("pass.ready.many", { count: unlocked.length })),
    });
  }
  if (view.expiring && !closed) {
    const expiring = view.expiring;
    // Silent: the reminder message on the back notifies; this line just keeps the date in view.
    fields.auxiliary.push({
      key: "expiring",
      label: L.t((tr) => tr.t("pass.expiring")),
      value: L.t((tr) => tr.t("pass.expiring.value", { count: expiring.points, date: passDate(tr, expiring.at, merchant.timezone) })),
    });
  }
  if (!closed) fields.auxiliary.push({ key: "member", label: L.t((tr) => tr.t("pass.member")), value: view.customer.name ?? view.customer.email.split("@")[0]! });
  if (view.tier?.next) {
    const up = view.tier.next;
    fields.auxiliary.push({
      key: "tier_next",
      label: L.t((tr) => tr.t("pass.tier_next", { tier: up.name })),
      value: L.t((tr) => unit(tr, view, up.remaining)),
    });
  }

  const links = cardLinks(card);
  if (message && !closed) {
    // A changed value with a changeMessage is what makes the phone show a notification.
    fields.back.push({ key: "message", label: L.same(message.title), value: L.same(message.body), changeMessage: L.same(`${message.title.replace(/%/g, "")}: %@`) });
  }
  fields.back.push(
    {
      key: "card_page",
      label: L.t((tr) => tr.t("pass.card_online")),
      value: links.card,
      // The whole attributed value is a key too, so the link's words follow the phone's language.
      attributedValue: L.t((tr) => `<a href="${links.card}">${tr.t("pass.open_card").replace(/[<>&"]/g, "")}</a>`),
    },
    {
      key: "how",
      label: L.t((tr) => tr.t("pass.how")),
      value: L.t((tr) =>
        program.kind === "stamps"
          ? tr.t("pass.how.stamps", { merchant: merchant.name, count: program.stampsRequired ?? 10, reward: view.next ? nextRewardTitle(view, tr) : tr.t("pass.a_reward") })
          : program.kind === "cashback"
            ? tr.t("pass.how.cashback", { merchant: merchant.name })
            : tr.t("pass.how.points", { merchant: merchant.name }),
      ),
    },
  );
  const goal = view.goals[0];
  if (goal && !closed) fields.back.push({ key: "goal", label: L.t((tr) => tr.t("goal.pass.label")), value: L.t((tr) => goalPassText(tr, goal, view)) });
  if (program.kind === "points" && view.rewards.length > 0) {
    fields.back.push({
      key: "catalog",
      label: L.t((tr) => tr.t("pass.rewards")),
      value: L.t((tr) =>
        view.rewards.map((r) => `${tr.t("pass.catalog_line", { reward: r.name, count: r.cost })}${catalogNote(tr, r, view)}`).join("\n"),
      ),
    });
  }
  if (program.kind === "cashback") fields.back.push({ key: "balance_text", label: L.t((tr) => tr.t("pass.balance")), value: L.t((tr) => tr.money(card.balance, program.currency)) });
  if (view.locations.length > 0) {
    fields.back.push({ key: "locations", label: L.t((tr) => tr.t("pass.where")), value: view.locations.map((l) => (l.address ? `${l.name}, ${l.address}` : l.name)).join("\n") });
  }
  if (!closed) {
    // The member's share link (the join page with their code), with what a referral brings when the program rewards it.
    const { link, offer } = view.referral;
    const invite = (tr: Translator) => [offer ? referralOfferText(tr, program, offer) : null, tr.t("pass.invite.link", { link }), tr.t("pass.invite.code", { code: card.referralCode })].filter(Boolean).join("\n");
    fields.back.push({ key: "referral", label: L.t((tr) => tr.t("pass.invite")), value: L.t(invite), dataDetectorTypes: ["PKDataDetectorTypeLink"] });
  }
  if (merchant.websiteUrl) {
    fields.back.push({ key: "website", label: L.t((tr) => tr.t("pass.website")), value: merchant.websiteUrl, dataDetectorTypes: ["PKDataDetectorTypeLink"] });
  }
  if (merchant.phone) fields.back.push({ key: "phone", label: L.t((tr) => tr.t("pass.phone")), value: merchant.phone, dataDetectorTypes: ["PKDataDetectorTypePhoneNumber"] });
  if (merchant.termsUrl) {
    const terms = merchant.termsUrl;
    fields.back.push({ key: "terms", label: L.t((tr) => tr.t("pass.terms")), value: terms, attributedValue: L.t((tr) => `<a href="${escAttr(terms)}">${escAttr(tr.t("pass.terms.link"))}</a>`) });
  }
  if (!closed) {
    fields.back.push({
      key: "manage",
      label: L.t((tr) => tr.t("pass.manage")),
      value: links.card,
      attributedValue: L.t((tr) => `<a href="${escAttr(links.card)}">${escAttr(tr.t("pass.manage.link"))}</a>`),
    });
  }

  const props: PassModel["props"] = {
    formatVersion: 1,
    passTypeIdentifier: config.passTypeId,
    teamIdentifier: config.teamId,
    serialNumber: card.id,
    organizationName: merchant.name,
    description: L.t((tr) => tr.t("pass.description", { program: program.name })),
    logoText: design.logoText ?? program.name,
    backgroundColor: rgb(design.backgroundColor),
    foregroundColor: rgb(design.foregroundColor),
    labelColor: rgb(design.labelColor),
    webServiceURL: config.webServiceUrl,
    authenticationToken: card.walletAuthToken,
    sharingProhibited: true,
    ...(card.status === "closed" ? { voided: true } : {}),
  };

  return {
    props,
    fields,
    barcode: { message: cardQrToken(card), format: "PKBarcodeFormatQR", messageEncoding: "iso-8859-1", altText: card.referralCode },
    locations: view.locations.slice(0, 10).map((l) => ({
      latitude: l.latitude!,
      longitude: l.longitude!,
      relevantText: L.t((tr) => tr.t("pass.nearby", { merchant: merchant.name, program: program.name })),
    })),
    strip,
    language: L.language,
    strings: L.strings(),
    expiresAt: programExpiry(program)?.toISOString() ?? null,
  };
}

/** Builds the pass with passkit-generator; `certificates` sign it (the real ones, or the scratch ones we re-sign over). */
export function buildPKPass(model: PassModel, images: PassImages, certificates: AppleConfig["certificates"]): PKPass {
  const pass = new PKPass({ ...images }, certificates, model.props);
  const storeCard = new PassType("storeCard");
  storeCard.headerFields.push(...model.fields.header);
  storeCard.primaryFields.push(...model.fields.primary);
  storeCard.secondaryFields.push(...model.fields.secondary);
  storeCard.auxiliaryFields.push(...model.fields.auxiliary);
  storeCard.backFields.push(...model.fields.back);
  pass.types.push(storeCard);
  pass.setBarcodes(model.barcode);
  if (model.locations.length > 0) pass.setLocations(...model.locations);
  if (model.expiresAt) pass.setExpirationDate(new Date(model.expiresAt));
  return pass;
}

export type RenderedPass = { body: Buffer; lastModified: Date; etag: string };

export function modelImages(view: CardView, model: PassModel): PassImages {
  return passImages(view.program.design, view.program.design.logoText ?? view.program.name, model.strip);
}

/**
 * A hash of everything the pass shows (fields, barcode, locations, design and images' inputs),
 * without any time in it: it changes exactly when the pass a device would download changes.
 */
export function passFingerprint(view: CardView, model: PassModel): string {
  const design = view.program.design;
  return createHash("sha256")
    .update(JSON.stringify({ model, design, logoText: design.logoText ?? view.program.name }))
    .digest("base64url");
}

/**
 * The .pkpass of a card as of `view`: passkit-generator assembles and validates it, then
 * manifest.json is signed with the Pass Type ID certificate at the current time (`signedAt`, for
 * tests). Last-Modified stays the pass's modification time (`modifiedAt`, by default the view's),
 * which is also the date of the zip entries. Same database state in, same pass.json and
 * manifest.json out (so the same ETag, a hash of the manifest); only the signature differs.
 */
export function renderPass(view: CardView, config: AppleConfig, opts: { model?: PassModel; modifiedAt?: Date; signedAt?: Date } = {}): RenderedPass {
  const model = opts.model ?? passModel(view, config);
  const modifiedAt = opts.modifiedAt ?? view.modifiedAt;
  const pass = buildPKPass(model, modelImages(view, model), scratchCertificates());
  const files: Record<string, Buffer> = { ...pass.getAsRaw() };
  const listed = files["manifest.json"];
  if (!listed) throw new Error("passkit-generator produced no manifest.json");
  // The strings of every language, written by us (passkit-generator's writer escapes nothing) and added to the manifest.
  const hashes = JSON.parse(listed.toString("utf8")) as Record<string, string>;
  for (const lang of LANGUAGES) {
    const path = `${lang}.lproj/pass.strings`;
    files[path] = passStringsFile(model.strings[lang]);
    hashes[path] = createHash("sha1").update(files[path]).digest("hex");
  }
  const manifest = Buffer.from(JSON.stringify(hashes));
  files["manifest.json"] = manifest;
  files.signature = signManifest(manifest, config.certificates, opts.signedAt ?? new Date());
  const body = storedZip(
    Object.keys(files).map((path) => ({ path, data: files[path]! })),
    modifiedAt,
  );
  return { body, lastModified: modifiedAt, etag: `W/"${createHash("sha1").update(manifest).digest("base64url")}"` };
}
