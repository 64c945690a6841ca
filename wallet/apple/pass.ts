import { createHash } from "node:crypto";
import { PKPass, PassType, type Field, type Location, type OverridablePassProps } from "passkit-generator";
import { cardLinks } from "../../lib/cards/links";
import { cardQrToken } from "../../lib/cards/token";
import type { CardView } from "../../lib/cards/view";
import { formatMoney, toMajor } from "../../lib/money";
import type { AppleConfig } from "../config";
import { passImages, type PassImages, type StripInput } from "./images";
import { programExpiry } from "../program-end";
import { APPLE_LABELS, passDate } from "./labels";
import { scratchCertificates, signManifest } from "./sign";
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
  /** ISO 8601: when the pass expires (the program's end), or null. */
  expiresAt: string | null;
};

const escAttr = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);


const rgb = (hex: string) => {
  const n = Number.parseInt(hex.slice(1), 16);
  return `rgb(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255})`;
};

function unit(view: CardView, n: number): string {
  if (view.program.kind === "stamps") return n === 1 ? "stamp" : "stamps";
  return n === 1 ? "point" : "points";
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
  // A closed (erased) card notifies nothing and shows no personal data.
  const changeMessage = (text: string) => (policy.quietBalance || closed ? {} : { changeMessage: text });

  let strip: StripInput;
  if (program.kind === "stamps") {
    const total = program.stampsRequired ?? 10;
    strip = { kind: "stamps", filled: Math.min(card.balance, total), total };
    fields.header.push({ key: "balance", label: "STAMPS", value: `${card.balance}/${total}`, ...changeMessage("Stamps on your card: %@") });
  } else if (program.kind === "cashback") {
    strip = { kind: "points", progress: null };
    fields.primary.push({
      key: "balance",
      label: "Cashback",
      // Wallet formats a number with currencyCode itself; it wants major units (¥1,250, KWD 3.125).
      value: toMajor(card.balance, program.currency),
      currencyCode: program.currency,
      ...changeMessage("Your cashback is now %@"),
    });
  } else {
    strip = { kind: "points", progress: view.next ? card.balance / view.next.target : 1 };
    fields.primary.push({ key: "balance", label: "Points", value: card.balance, ...changeMessage("You now have %@ points") });
  }

  if (view.tier) fields.header.push({ key: "tier", label: "TIER", value: view.tier.name, ...(closed ? {} : { changeMessage: "Welcome to %@!" }) });

  if (view.next) {
    const value =
      program.kind === "stamps"
        ? `${view.next.title} in ${view.next.remaining} ${unit(view, view.next.remaining)}`
        : `${view.next.title} · ${view.next.remaining} to go`;
    // No changeMessage: it moves with every purchase, and the balance already says so.
    fields.secondary.push({ key: "next", label: "Next reward", value });
  }
  // What the customer can redeem right now: affordable and in stock, as on the card page. Shown
  // only when there is something (never an empty "—"), and silent: the balance notifies.
  const unlocked = program.kind === "points" ? view.open.filter((r) => r.cost <= card.balance) : [];
  if (unlocked.length > 0) {
    fields.secondary.push({ key: "ready", label: "Ready to redeem", value: unlocked.length === 1 ? unlocked[0]!.name : `${unlocked.length} rewards` });
  }
  if (view.expiring && !closed) {
    // Silent: the reminder message on the back notifies; this line just keeps the date in view.
    fields.auxiliary.push({ key: "expiring", label: APPLE_LABELS.expiringLabel, value: APPLE_LABELS.expiring(view.expiring.points, passDate(view.expiring.at, merchant.timezone)) });
  }
  if (!closed) fields.auxiliary.push({ key: "member", label: "Member", value: view.customer.name ?? view.customer.email.split("@")[0]! });
  if (view.tier?.next) {
    fields.auxiliary.push({
      key: "tier_next",
      label: `To ${view.tier.next.name}`,
      value: `${view.tier.next.remaining} ${unit(view, view.tier.next.remaining)}`,
    });
  }

  const links = cardLinks(card);
  if (message && !closed) {
    // A changed value with a changeMessage is what makes the phone show a notification.
    fields.back.push({ key: "message", label: message.title, value: message.body, changeMessage: `${message.title.replace(/%/g, "")}: %@` });
  }
  fields.back.push(
    { key: "card_page", label: "Your card online", value: links.card, attributedValue: `<a href="${links.card}">Open your card</a>` },
    {
      key: "how",
      label: "How it works",
      value:
        program.kind === "stamps"
          ? `Show this card when you visit ${merchant.name}. Every ${program.stampsRequired ?? 10} stamps give you ${view.next?.title ?? "a reward"}.`
          : program.kind === "cashback"
            ? `Show this card when you pay at ${merchant.name} and get cashback on every purchase.`
            : `Show this card when you pay at ${merchant.name} to collect points, and swap them for rewards on your card page.`,
    },
  );
  if (program.kind === "points" && view.rewards.length > 0) {
    fields.back.push({
      key: "catalog",
      label: "Rewards",
      value: view.rewards.map((r) => `${r.name}: ${r.cost} points${r.inventory === 0 ? " (out of stock)" : ""}`).join("\n"),
    });
  }
  if (program.kind === "cashback") fields.back.push({ key: "balance_text", label: "Balance", value: formatMoney(card.balance, program.currency) });
  if (view.locations.length > 0) {
    fields.back.push({ key: "locations", label: "Where", value: view.locations.map((l) => (l.address ? `${l.name}, ${l.address}` : l.name)).join("\n") });
  }
  fields.back.push({ key: "referral", label: "Invite a friend", value: `Share your code ${card.referralCode}` });
  if (merchant.websiteUrl) {
    fields.back.push({ key: "website", label: APPLE_LABELS.websiteLabel, value: merchant.websiteUrl, dataDetectorTypes: ["PKDataDetectorTypeLink"] });
  }
  if (merchant.phone) fields.back.push({ key: "phone", label: APPLE_LABELS.phoneLabel, value: merchant.phone, dataDetectorTypes: ["PKDataDetectorTypePhoneNumber"] });
  if (merchant.termsUrl) {
    fields.back.push({ key: "terms", label: APPLE_LABELS.termsLabel, value: merchant.termsUrl, attributedValue: `<a href="${escAttr(merchant.termsUrl)}">${APPLE_LABELS.termsLink}</a>` });
  }
  if (!closed) fields.back.push({ key: "manage", label: APPLE_LABELS.manageLabel, value: links.card, attributedValue: `<a href="${escAttr(links.card)}">${APPLE_LABELS.manageLink}</a>` });

  const props: PassModel["props"] = {
    formatVersion: 1,
    passTypeIdentifier: config.passTypeId,
    teamIdentifier: config.teamId,
    serialNumber: card.id,
    organizationName: merchant.name,
    description: `${program.name} loyalty card`,
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
      relevantText: `${merchant.name} is nearby. Show your ${program.name} card.`,
    })),
    strip,
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
  const manifest = files["manifest.json"];
  if (!manifest) throw new Error("passkit-generator produced no manifest.json");
  files.signature = signManifest(manifest, config.certificates, opts.signedAt ?? new Date());
  const body = storedZip(
    Object.keys(files).map((path) => ({ path, data: files[path]! })),
    modifiedAt,
  );
  return { body, lastModified: modifiedAt, etag: `W/"${createHash("sha1").update(manifest).digest("base64url")}"` };
}
