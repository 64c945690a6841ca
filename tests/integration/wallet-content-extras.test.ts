import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { InngestTestEngine } from "@inngest/test";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { PATCH as patchProgram } from "@/app/api/v1/programs/[id]/route";
import { GET as heroImageRoute } from "@/app/api/wallet/google/stamps/[image]/route";
import { outboxEvents } from "@/db/schema";
import { createWalletSyncProgram } from "@/jobs/wallet-sync-program";
import { cardLinks } from "@/lib/cards/links";
import { loadCardView } from "@/lib/cards/view";
import { env } from "@/lib/env";
import { expireCard } from "@/lib/expiry/expire";
import { earn } from "@/lib/ledger/earn";
import { updateSettings } from "@/lib/merchants/settings";
import { updateProgram } from "@/lib/programs/verbs";
import { ApnsSender } from "@/wallet/apple/apns";
import { renderPass } from "@/wallet/apple/pass";
import { registerDevice } from "@/wallet/apple/service";
import { GoogleWalletClient } from "@/wallet/google/client";
import { googleSaveUrl, syncGoogleObject } from "@/wallet/google/sync";
import type { WalletDeps } from "@/wallet/sync";
import { startApnsFake } from "../support/apns-fake";
import { call, makeCard, makeMerchant, makeProgram, makeUser, type TestMerchant } from "../support/fixtures";
import { startGoogleFake } from "../support/google-fake";
import { readStoredZip, testAppleConfig, testGoogleConfig, testWalletCerts } from "../support/wallet-certs";

// Item 8's content on both wallets: expiring points, the program's end, back-of-pass links, the
// stamp grid as Google's hero image, and the member's tier on Google.

type Field = { key: string; label?: string; value: unknown; attributedValue?: string; dataDetectorTypes?: string[]; changeMessage?: string };
type PassJson = { expirationDate?: string; storeCard: Record<string, Field[] | undefined> };
type GoogleObject = {
  textModulesData?: { id: string; header: string; body: string }[];
  linksModuleData?: { uris: { id: string; uri: string; description: string }[] };
  heroImage?: { sourceUri: { uri: string }; contentDescription: { defaultValue: { value: string } } };
  validTimeInterval?: { end: { date: string } } | null;
  secondaryLoyaltyPoints?: { label: string; balance: { string: string } } | null;
};

let apns: Awaited<ReturnType<typeof startApnsFake>>;
let google: Awaited<ReturnType<typeof startGoogleFake>>;
let sender: ApnsSender;
let deps: WalletDeps;
let gw: GoogleWalletClient;
let m: TestMerchant;

beforeAll(async () => {
  apns = await startApnsFake();
  google = await startGoogleFake();
  const apple = testAppleConfig({ apns: { baseUrl: apns.url, ca: fs.readFileSync(testWalletCerts().files.rootCa, "utf8") } });
  sender = new ApnsSender({ baseUrl: apns.url, cert: apple.certificates.signerCert, key: apple.certificates.signerKey, ca: apple.apns.ca });
  gw = new GoogleWalletClient(testGoogleConfig(google.baseUrl), { credentials: { access_token: google.token, expiry_date: Date.now() + 3600_000 } });
  deps = { apple: { config: apple, sender }, google: gw };
  m = await makeMerchant();
});

afterAll(async () => {
  sender.close();
  await apns.close();
  await google.close();
});

beforeEach(() => {
  apns.reset();
  google.reset();
});

/** The pass as a phone gets it, after openssl verified its signature at the current time. */
function verifiedPass(body: Buffer): PassJson {
  const files = readStoredZip(body);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pkpass-content-"));
  fs.writeFileSync(path.join(dir, "manifest.json"), files["manifest.json"]!);
  fs.writeFileSync(path.join(dir, "signature"), files.signature!);
  const out = execFileSync(
    "openssl",
    ["smime", "-verify", "-binary", "-inform", "DER", "-in", path.join(dir, "signature"), "-content", path.join(dir, "manifest.json"), "-CAfile", testWalletCerts().files.rootCa, "-out", "/dev/null"],
    { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] },
  );
  expect(out).toBe("");
  return JSON.parse(files["pass.json"]!.toString("utf8")) as PassJson;
}

async function applePass(cardId: string, now = new Date()) {
  const view = (await loadCardView(m.db, { cardId }, now))!;
  const rendered = renderPass(view, deps.apple!.config);
  return { pass: verifiedPass(rendered.body), etag: rendered.etag };
}

const field = (pass: PassJson, key: string) => Object.values(pass.storeCard).flatMap((f) => f ?? []).find((f) => f.key === key);

/** Saves the card to Google (the fake) and returns what the fake now holds for it. */
async function googleObject(cardId: string, now = new Date()): Promise<GoogleObject> {
  await googleSaveUrl(m.db, gw, (await loadCardView(m.db, { cardId }, now))!);
  return google.objects.get(gw.objectId(cardId)) as GoogleObject;
}

const DAY = 86_400_000;

describe("expiring points", () => {
  it("shows the soonest lot's points and date on both wallets, and moves when that lot has lapsed", async () => {
    const program = await makeProgram(m, { name: "Expiring", expiry: { kind: "rolling", days: 30 } });
    const card = await makeCard(m, program.id);
    const start = new Date(Date.UTC(2031, 2, 1, 12));
    await earn({ ...m.ctx, now: () => start }, { cardId: card.id, points: 40 }); // lapses 2031-03-31
    await earn({ ...m.ctx, now: () => new Date(start.getTime() + 3 * DAY) }, { cardId: card.id, points: 15 }); // 2031-04-03
    await earn({ ...m.ctx, now: () => new Date(start.getTime() + 3 * DAY + 60_000) }, { cardId: card.id, points: 10 }); // same day: counted together
    const at = new Date(start.getTime() + 5 * DAY);

    const first = await applePass(card.id, at);
    expect(field(first.pass, "expiring")).toMatchObject({ label: "Expiring", value: "40 points expire on March 31, 2031" });
    expect(field(first.pass, "expiring")?.changeMessage).toBeUndefined();
    const object = await googleObject(card.id, at);
    expect(object.textModulesData).toContainEqual(expect.objectContaining({ id: "expiring", header: "Expiring points", body: "40 points expire on March 31, 2031" }));

    // The first lot lapses: the next day's 25 points are the soonest now, and the pass (its ETag) changes.
    const later = new Date(start.getTime() + 31 * DAY);
    // This card alone: expireCard is what the hourly sweep does for each card with a lot due.
    await expireCard({ ...m.ctx, now: () => later }, card.id);
    const second = await applePass(card.id, later);
    expect(field(second.pass, "expiring")?.value).toBe("25 points expire on April 3, 2031");
    expect(second.etag).not.toBe(first.etag);
    google.reset();
    const outcome = await syncGoogleObject(m.db, gw, (await loadCardView(m.db, { cardId: card.id }, later))!, later);
    expect(outcome?.patched).toBe(true);
    const patched = google.requests.find((r) => r.method === "PATCH")!.body as GoogleObject;
    expect(patched.textModulesData).toContainEqual(expect.objectContaining({ id: "expiring", header: "Expiring points", body: "25 points expire on April 3, 2031" }));
  });

  it("shows nothing when no points lapse", async () => {
    const program = await makeProgram(m, { name: "Forever" });
    const card = await makeCard(m, program.id);
    await earn(m.ctx, { cardId: card.id, points: 40 });
    expect(field((await applePass(card.id)).pass, "expiring")).toBeUndefined();
    expect((await googleObject(card.id)).textModulesData?.map((x) => x.id)).not.toContain("expiring");
  });
});

describe("a program that ends", () => {
  it("gives its passes expirationDate and validTimeInterval.end, and setting the end re-syncs every wallet card", async () => {
    const program = await makeProgram(m, { name: "Summer" });
    const card = await makeCard(m, program.id);
    await registerDevice(m.db, deps.apple!.config, {
      deviceId: "device-end",
      passTypeId: deps.apple!.config.passTypeId,
      serial: card.id,
      pushToken: "tokenend",
      authorization: `ApplePass ${card.walletAuthToken}`,
    });
    expect((await applePass(card.id)).pass.expirationDate).toBeUndefined();
    expect((await googleObject(card.id)).validTimeInterval ?? null).toBeNull();

    const fn = createWalletSyncProgram(() => deps);
    const run = async () => {
      const out = await new InngestTestEngine({ function: fn, events: [{ name: "program.changed" as const, data: { merchantId: m.merchantId, programId: program.id } }] }).execute();
      expect(out.error).toBeUndefined();
      return out.result as { updated: number; pushed: number };
    };
    await run();
    apns.reset();
    google.reset();

    await updateProgram(m.ctx, { programId: program.id, endsAt: "2031-09-30T23:59:59Z" });
    const events = await m.db.select().from(outboxEvents).where(and(eq(outboxEvents.merchantId, m.merchantId), eq(outboxEvents.type, "program.changed")));
    expect(events.some((e) => (e.payload as { programId?: string }).programId === program.id)).toBe(true);
    expect(await run()).toMatchObject({ updated: 1, pushed: 1 });
    expect(apns.requests.map((r) => r.path)).toEqual(["/3/device/tokenend"]);
    const patch = google.requests.find((r) => r.method === "PATCH" && r.path.startsWith("/loyaltyObject/"));
    expect((patch?.body as GoogleObject).validTimeInterval).toEqual({ end: { date: "2031-09-30T23:59:59.000Z" } });

    const { pass } = await applePass(card.id);
    expect(new Date(pass.expirationDate!).toISOString()).toBe("2031-09-30T23:59:59.000Z");

    // Clearing the end clears it at Google too (an explicit null in the PATCH).
    google.reset();
    await updateProgram(m.ctx, { programId: program.id, endsAt: null });
    await run();
    expect((google.requests.find((r) => r.method === "PATCH" && r.path.startsWith("/loyaltyObject/"))?.body as GoogleObject).validTimeInterval).toBeNull();
    expect((await applePass(card.id)).pass.expirationDate).toBeUndefined();
  });

  it("a program closed (archived) without an end date expires its passes at the closing", async () => {
    const program = await makeProgram(m, { name: "Closing" });
    const card = await makeCard(m, program.id);
    const closed = await updateProgram(m.ctx, { programId: program.id, status: "archived" });
    const { pass } = await applePass(card.id);
    expect(pass.expirationDate).toBeDefined();
    expect(Math.abs(new Date(pass.expirationDate!).getTime() - closed.updatedAt.getTime())).toBeLessThan(1000);
    expect(new Date((await googleObject(card.id)).validTimeInterval!.end.date).getTime()).toBe(closed.updatedAt.getTime());
  });

  it("is a field of the programs API, and an end date that is not a date is a 422", async () => {
    const program = await makeProgram(m, { name: "API end" });
    const ok = await call(patchProgram, { key: m.apiKey, method: "PATCH", params: { id: program.id }, body: { endsAt: "2031-12-31T23:59:59+01:00" } });
    expect(ok.status).toBe(200);
    expect((ok.body as { endsAt: string }).endsAt).toBe("2031-12-31T22:59:59.000Z");
    const bad = await call(patchProgram, { key: m.apiKey, method: "PATCH", params: { id: program.id }, body: { endsAt: "next summer" } });
    expect(bad.status).toBe(422);
    expect(bad.headers.get("content-type")).toContain("application/problem+json");
  });
});

describe("back-of-pass links", () => {
  it("carry the website, phone, terms and a manage link built from APP_URL, on both wallets", async () => {
    const owner = await makeUser(m, "owner");
    const ctx = { ...m.ctx, actor: owner };
    const merchant = await updateSettings(ctx, {
      name: "Bean There",
      brandColor: "#1f2937",
      currency: "USD",
      timezone: "UTC",
      websiteUrl: "https://beanthere.example",
      phone: "+1 555 010 0199",
      termsUrl: "https://beanthere.example/terms?a=1&b=2",
    });
    expect(merchant).toMatchObject({ websiteUrl: "https://beanthere.example", phone: "+1 555 010 0199" });
    // The links are on every pass of the business: the change re-syncs them (merchant.changed).
    const changed = await m.db.select().from(outboxEvents).where(and(eq(outboxEvents.merchantId, m.merchantId), eq(outboxEvents.type, "merchant.changed")));
    expect(changed.map((e) => (e.payload as { fields: string[] }).fields).flat()).toEqual(expect.arrayContaining(["websiteUrl", "phone", "termsUrl"]));
    const program = await makeProgram(m, { name: "Links" });
    const card = await makeCard(m, program.id);
    const page = cardLinks(card).card;
    expect(page.startsWith(env.APP_URL.replace(/\/$/, ""))).toBe(true);

    const { pass } = await applePass(card.id);
    expect(field(pass, "website")).toMatchObject({ label: "Website", value: "https://beanthere.example", dataDetectorTypes: ["PKDataDetectorTypeLink"] });
    expect(field(pass, "phone")).toMatchObject({ label: "Phone", value: "+1 555 010 0199", dataDetectorTypes: ["PKDataDetectorTypePhoneNumber"] });
    expect(field(pass, "terms")?.attributedValue).toBe('<a href="https://beanthere.example/terms?a=1&#38;b=2">Read the terms of the program</a>');
    expect(field(pass, "manage")).toMatchObject({ label: "Manage your card", value: page, attributedValue: `<a href="${page}">Manage your card or unsubscribe</a>` });

    const uris = (await googleObject(card.id)).linksModuleData!.uris;
    expect(uris).toEqual(
      expect.arrayContaining([
        // Each also carries its LocalizedString (tests/integration/wallet-i18n.test.ts).
        expect.objectContaining({ id: "website", uri: "https://beanthere.example", description: "Website" }),
        expect.objectContaining({ id: "phone", uri: "tel:+15550100199", description: "Call us" }),
        expect.objectContaining({ id: "terms", uri: "https://beanthere.example/terms?a=1&b=2", description: "Terms of the program" }),
        expect.objectContaining({ id: "manage", uri: page, description: "Manage your card or unsubscribe" }),
      ]),
    );
  });

  it("refuses links that are not https and phone numbers that are not phone numbers", async () => {
    const owner = await makeUser(m, "owner");
    const ctx = { ...m.ctx, actor: owner };
    const base = { name: "Bean There", brandColor: "#1f2937", currency: "USD", timezone: "UTC" };
    for (const bad of [{ websiteUrl: "http://beanthere.example" }, { termsUrl: "javascript:alert(1)" }, { websiteUrl: "https://localhost" }, { phone: "call me" }, { phone: "12" }]) {
      await expect(updateSettings(ctx, { ...base, ...bad }), JSON.stringify(bad)).rejects.toThrow();
    }
    // An empty field clears it.
    const cleared = await updateSettings(ctx, { ...base, websiteUrl: "", phone: "", termsUrl: "" });
    expect(cleared).toMatchObject({ websiteUrl: null, phone: null, termsUrl: null });
  });
});

describe("the stamp grid as Google's hero image", () => {
  const pngSize = (png: Buffer) => ({ width: png.readUInt32BE(16), height: png.readUInt32BE(20) });

  it("is a public, content-addressed PNG of 1032×336 that changes with each stamp", async () => {
    const program = await makeProgram(m, { name: "Coffee", kind: "stamps", stampsRequired: 10, design: { backgroundColor: "#7C2D12", foregroundColor: "#ffffff", labelColor: "#fed7aa" } });
    const card = await makeCard(m, program.id);
    const twin = await makeCard(m, program.id);
    for (const c of [card, twin]) await earn(m.ctx, { cardId: c.id, stamps: 3 });

    const hero = (await googleObject(card.id)).heroImage!;
    const base = env.APP_URL.replace(/\/$/, "");
    expect(hero.sourceUri.uri).toBe(`${base}/api/wallet/google/stamps/3-10-7c2d12-ffffff-fed7aa.png`);
    expect(hero.contentDescription.defaultValue.value).toBe("3 of 10 stamps");
    // Stable: the same grid has the same URL on another card.
    expect((await googleObject(twin.id)).heroImage!.sourceUri.uri).toBe(hero.sourceUri.uri);

    const name = hero.sourceUri.uri.split("/").pop()!;
    const res = await heroImageRoute(new Request(hero.sourceUri.uri), { params: Promise.resolve({ image: name }) });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/png");
    expect(res.headers.get("cache-control")).toContain("immutable");
    const png = Buffer.from(await res.arrayBuffer());
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(pngSize(png)).toEqual({ width: 1032, height: 336 });
    const again = Buffer.from(await (await heroImageRoute(new Request(hero.sourceUri.uri), { params: Promise.resolve({ image: name }) })).arrayBuffer());
    expect(again.equals(png)).toBe(true);

    // One more stamp: a new URL, and the object is PATCHed with it.
    await earn(m.ctx, { cardId: card.id, stamps: 1 });
    google.reset();
    await syncGoogleObject(m.db, gw, (await loadCardView(m.db, { cardId: card.id }))!);
    const patched = google.requests.find((r) => r.method === "PATCH")!.body as GoogleObject;
    expect(patched.heroImage!.sourceUri.uri).toBe(`${base}/api/wallet/google/stamps/4-10-7c2d12-ffffff-fed7aa.png`);
    const four = await heroImageRoute(new Request(patched.heroImage!.sourceUri.uri), { params: Promise.resolve({ image: "4-10-7c2d12-ffffff-fed7aa.png" }) });
    expect(Buffer.from(await four.arrayBuffer()).equals(png)).toBe(false);
  });

  it("serves only names it builds: anything else is a 404 problem", async () => {
    for (const image of ["11-10-7c2d12-ffffff-fed7aa.png", "3-51-7c2d12-ffffff-fed7aa.png", "03-10-7c2d12-ffffff-fed7aa.png", "3-10-7C2D12-ffffff-fed7aa.png", "3-10-red-ffffff-fed7aa.png", "../x.png", "3-10-7c2d12-ffffff-fed7aa.svg"]) {
      const res = await heroImageRoute(new Request("http://localhost:3000/x"), { params: Promise.resolve({ image }) });
      expect(res.status, image).toBe(404);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
    }
  });

  it("points programs have no hero image", async () => {
    const program = await makeProgram(m, { name: "No hero" });
    const card = await makeCard(m, program.id);
    expect((await googleObject(card.id)).heroImage).toBeUndefined();
  });
});

describe("the member's tier", () => {
  it("is Google's secondary loyalty points and a field of the Apple pass", async () => {
    const program = await makeProgram(m, {
      name: "Tiers",
      tiers: { windowDays: 365, levels: [{ name: "Member", threshold: 0, multiplier: 1 }, { name: "Gold", threshold: 100, multiplier: 1 }] },
    });
    const card = await makeCard(m, program.id);
    await earn(m.ctx, { cardId: card.id, points: 120 });
    expect((await googleObject(card.id)).secondaryLoyaltyPoints).toMatchObject({ label: "Tier", balance: { string: "Gold" } });
    expect(field((await applePass(card.id)).pass, "tier")).toMatchObject({ label: "TIER", value: "Gold" });
  });
});
