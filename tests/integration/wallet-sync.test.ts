import { createPublicKey, generateKeyPairSync, verify } from "node:crypto";
import fs from "node:fs";
import { InngestTestEngine } from "@inngest/test";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { appleRegistrations, googleWalletMessages, googleWalletObjects } from "@/db/schema";
import { cardQrToken } from "@/lib/cards/token";
import { loadCardView, loadCardViews } from "@/lib/cards/view";
import { earn } from "@/lib/ledger/earn";
import { createWalletSync } from "@/jobs/wallet-sync";
import { updateProgram } from "@/lib/programs/verbs";
import { ApnsProviderToken, ApnsSender } from "@/wallet/apple/apns";
import { registerDevice } from "@/wallet/apple/service";
import { isGoogleApiHost } from "@/wallet/config";
import { GoogleWalletClient, GoogleWalletDevelopmentError } from "@/wallet/google/client";
import { googleSaveUrl } from "@/wallet/google/sync";
import { PushFailedError, pushAppleUpdate, syncGoogleCard, type WalletDeps } from "@/wallet/sync";
import { startApnsFake } from "../support/apns-fake";
import { makeCard, makeMerchant, makeProgram, makeReward, type TestMerchant } from "../support/fixtures";
import { startGoogleFake } from "../support/google-fake";
import { testAppleConfig, testGoogleConfig, testWalletCerts } from "../support/wallet-certs";

let apns: Awaited<ReturnType<typeof startApnsFake>>;
let google: Awaited<ReturnType<typeof startGoogleFake>>;
let sender: ApnsSender;
let deps: WalletDeps;
let m: TestMerchant;

beforeAll(async () => {
  apns = await startApnsFake();
  google = await startGoogleFake();
  const apple = testAppleConfig({ apns: { baseUrl: apns.url, ca: fs.readFileSync(testWalletCerts().files.rootCa, "utf8") } });
  sender = new ApnsSender({ baseUrl: apns.url, cert: apple.certificates.signerCert, key: apple.certificates.signerKey, ca: apple.apns.ca });
  const gw = new GoogleWalletClient(testGoogleConfig(google.baseUrl), { credentials: { access_token: google.token, expiry_date: Date.now() + 3600_000 } });
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

async function registered(cardId: string, devices: string[]) {
  const card = await loadCardView(m.db, { cardId });
  for (const d of devices) {
    await registerDevice(m.db, deps.apple!.config, {
      deviceId: `device-${d}`,
      passTypeId: deps.apple!.config.passTypeId,
      serial: cardId,
      pushToken: `token${d}`,
      authorization: `ApplePass ${card!.card.walletAuthToken}`,
    });
  }
}

describe("APNs", () => {
  it("pushes {} to every device with the pass type as topic, over TLS with the pass certificate, and drops 410s", async () => {
    const program = await makeProgram(m);
    const card = await makeCard(m, program.id);
    await registered(card.id, ["a", "b"]);
    apns.answer((token) => (token === "tokena" ? { status: 410, reason: "Unregistered" } : { status: 200 }));

    const outcome = await pushAppleUpdate(m.db, deps, card.id);
    expect(outcome).toEqual({ sent: 1, unregistered: 1, rejected: 0 });
    expect(apns.requests.map((r) => r.path).sort()).toEqual(["/3/device/tokena", "/3/device/tokenb"]);
    for (const r of apns.requests) {
      expect(r.method).toBe("POST");
      expect(r.topic).toBe(deps.apple!.config.passTypeId);
      expect(r.body).toBe("{}");
      expect(r.clientCertSubject).toBe(`Pass Type ID: ${deps.apple!.config.passTypeId}`);
      expect(r.authorization).toBeUndefined();
    }
    const left = await m.db.select().from(appleRegistrations).where(eq(appleRegistrations.cardId, card.id));
    expect(left.map((r) => r.pushToken)).toEqual(["tokenb"]);
  });

  it("retries throttling and server errors, and fails the step when APNs keeps failing", async () => {
    const program = await makeProgram(m);
    const card = await makeCard(m, program.id);
    await registered(card.id, ["c"]);
    apns.answer((_token, attempt) => (attempt < 2 ? { status: 503, reason: "ServiceUnavailable" } : { status: 200 }));
    expect(await pushAppleUpdate(m.db, deps, card.id)).toEqual({ sent: 1, unregistered: 0, rejected: 0 });
    expect(apns.requests).toHaveLength(2);

    apns.reset();
    apns.answer(() => ({ status: 500, reason: "InternalServerError" }));
    await expect(pushAppleUpdate(m.db, deps, card.id)).rejects.toBeInstanceOf(PushFailedError);
    // The registration stays: only a 410 removes it.
    expect(await m.db.select().from(appleRegistrations).where(eq(appleRegistrations.cardId, card.id))).toHaveLength(1);
  });
});

describe("APNs token auth", () => {
  // An APNs auth key is a P-256 key in a .p8 (PKCS#8 PEM) file.
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const p8 = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  const auth = { keyId: "ABC123DEFG", teamId: "TEAM123456", key: p8 };

  it("sends a bearer ES256 JWT with kid and iss that verifies with the key's public half, and no client certificate", async () => {
    const program = await makeProgram(m);
    const card = await makeCard(m, program.id);
    await registered(card.id, ["jwt1", "jwt2"]);
    const tokenSender = new ApnsSender({ baseUrl: apns.url, token: auth, ca: deps.apple!.config.apns.ca });
    expect(tokenSender.auth).toBe("token");
    try {
      const outcome = await pushAppleUpdate(m.db, { ...deps, apple: { config: deps.apple!.config, sender: tokenSender } }, card.id);
      expect(outcome).toEqual({ sent: 2, unregistered: 0, rejected: 0 });
    } finally {
      tokenSender.close();
    }
    expect(apns.requests).toHaveLength(2);
    for (const r of apns.requests) {
      expect(r.clientCertSubject).toBeNull();
      expect(r.topic).toBe(deps.apple!.config.passTypeId);
      const jwt = /^bearer (\S+)$/.exec(r.authorization ?? "")?.[1];
      expect(jwt, "authorization: bearer <jwt>").toBeDefined();
      const [h, p, s] = jwt!.split(".") as [string, string, string];
      expect(JSON.parse(Buffer.from(h, "base64url").toString())).toEqual({ alg: "ES256", kid: "ABC123DEFG" });
      const claims = JSON.parse(Buffer.from(p, "base64url").toString()) as { iss: string; iat: number };
      expect(claims.iss).toBe("TEAM123456");
      expect(Math.abs(claims.iat - Date.now() / 1000)).toBeLessThan(60);
      // JOSE ES256: a raw 64-byte r||s signature over "header.claims".
      expect(Buffer.from(s, "base64url")).toHaveLength(64);
      expect(verify("sha256", Buffer.from(`${h}.${p}`), { key: publicKey, dsaEncoding: "ieee-p1363" }, Buffer.from(s, "base64url"))).toBe(true);
      // Any other key does not verify it.
      expect(verify("sha256", Buffer.from(`${h}.${p}`), { key: generateKeyPairSync("ec", { namedCurve: "P-256" }).publicKey, dsaEncoding: "ieee-p1363" }, Buffer.from(s, "base64url"))).toBe(false);
    }
    // One token for both pushes.
    expect(apns.requests[0]!.authorization).toBe(apns.requests[1]!.authorization);
  });

  it("reuses a token between 20 and 60 minutes, then signs a new one; a token APNs calls expired is replaced at once", async () => {
    const token = new ApnsProviderToken(auth, 50 * 60_000);
    const t0 = Date.UTC(2030, 0, 1, 12, 0, 0);
    const first = token.get(t0);
    expect(token.get(t0 + 49 * 60_000)).toBe(first);
    const renewed = token.get(t0 + 50 * 60_000);
    expect(renewed).not.toBe(first);
    expect((JSON.parse(Buffer.from(renewed.split(".")[1]!, "base64url").toString()) as { iat: number }).iat).toBe((t0 + 50 * 60_000) / 1000);
    expect(() => new ApnsProviderToken(auth, 10 * 60_000)).toThrow(/20 to 60 minutes/);
    expect(() => new ApnsProviderToken(auth, 61 * 60_000)).toThrow(/20 to 60 minutes/);
    expect(() => new ApnsProviderToken({ ...auth, key: generateKeyPairSync("rsa", { modulusLength: 1024 }).privateKey.export({ type: "pkcs8", format: "pem" }).toString() })).toThrow(/EC/);

    const program = await makeProgram(m);
    const card = await makeCard(m, program.id);
    await registered(card.id, ["exp"]);
    apns.answer((_t, attempt) => (attempt === 1 ? { status: 403, reason: "ExpiredProviderToken" } : { status: 200 }));
    const tokenSender = new ApnsSender({ baseUrl: apns.url, token: auth, ca: deps.apple!.config.apns.ca });
    try {
      expect(await pushAppleUpdate(m.db, { ...deps, apple: { config: deps.apple!.config, sender: tokenSender } }, card.id)).toEqual({ sent: 1, unregistered: 0, rejected: 0 });
    } finally {
      tokenSender.close();
    }
    expect(apns.requests).toHaveLength(2);
  });
});

describe("Google Wallet", () => {
  it("never calls Google's real API with development credentials", async () => {
    expect(isGoogleApiHost("https://walletobjects.googleapis.com/walletobjects/v1")).toBe(true);
    expect(isGoogleApiHost(google.baseUrl)).toBe(false);
    expect(isGoogleApiHost("not a url")).toBe(true);
    const gw = new GoogleWalletClient({ ...testGoogleConfig(google.baseUrl), mode: "development" }, { credentials: { access_token: google.token, expiry_date: Date.now() + 3600_000 } });
    const program = await makeProgram(m);
    const card = await makeCard(m, program.id);
    await expect(googleSaveUrl(m.db, gw, (await loadCardView(m.db, { cardId: card.id }))!)).rejects.toBeInstanceOf(GoogleWalletDevelopmentError);
    expect(google.requests).toHaveLength(0);
  });

  it("inserts the class and object, and gives a short save link signed by the service account", async () => {
    const program = await makeProgram(m, { name: "Google Points" });
    const card = await makeCard(m, program.id);
    const view = (await loadCardView(m.db, { cardId: card.id }))!;
    const url = await googleSaveUrl(m.db, deps.google!, view);

    const gw = deps.google!;
    expect(google.requests.map((r) => `${r.method} ${r.path}`)).toEqual(["POST /loyaltyClass", "POST /loyaltyObject"]);
    expect(google.requests.every((r) => r.authorization === `Bearer ${google.token}`)).toBe(true);
    expect(google.classes.get(gw.classId(program.id))).toMatchObject({ programName: "Google Points", issuerName: expect.stringContaining("Test Shop") });
    expect(google.objects.get(gw.objectId(card.id))).toMatchObject({
      classId: gw.classId(program.id),
      state: "ACTIVE",
      loyaltyPoints: { balance: { int: 0 } },
      barcode: { type: "QR_CODE", value: cardQrToken(card) },
    });

    expect(url.startsWith("https://pay.google.com/gp/v/save/")).toBe(true);
    const jwt = url.slice("https://pay.google.com/gp/v/save/".length);
    expect(jwt.length).toBeLessThan(1800);
    const [h, p, s] = jwt.split(".") as [string, string, string];
    const sa = JSON.parse(fs.readFileSync(testWalletCerts().files.googleServiceAccount, "utf8")) as { private_key: string; client_email: string };
    expect(verify("RSA-SHA256", Buffer.from(`${h}.${p}`), createPublicKey(sa.private_key), Buffer.from(s, "base64url"))).toBe(true);
    expect(JSON.parse(Buffer.from(h, "base64url").toString())).toMatchObject({ alg: "RS256", typ: "JWT" });
    const claims = JSON.parse(Buffer.from(p, "base64url").toString());
    expect(claims).toMatchObject({ iss: sa.client_email, aud: "google", typ: "savetowallet", origins: ["http://localhost:3000"], payload: { loyaltyObjects: [{ id: gw.objectId(card.id) }] } });
    expect(Math.abs(claims.iat - Date.now() / 1000)).toBeLessThan(600);

    // A second save link reuses what Google already has.
    google.reset();
    await googleSaveUrl(m.db, gw, view);
    expect(google.requests).toHaveLength(0);
  });

  it("PATCHes the object on change only, notifies milestones at most 3 times a day, and follows design changes", async () => {
    const program = await makeProgram(m, { name: "Milestones" });
    for (const cost of [10, 20, 30, 40]) await makeReward(m, program.id, cost);
    const card = await makeCard(m, program.id);
    const gw = deps.google!;
    await googleSaveUrl(m.db, gw, (await loadCardView(m.db, { cardId: card.id }))!);
    google.reset();

    expect(await syncGoogleCard(m.db, deps, card.id)).toEqual({ patched: false, notified: false, messages: [] });
    expect(google.requests).toHaveLength(0);

    const notified: boolean[] = [];
    for (let i = 1; i <= 4; i++) {
      await earn(m.ctx, { cardId: card.id, points: 10 });
      const outcome = await syncGoogleCard(m.db, deps, card.id);
      expect(outcome!.patched).toBe(true);
      notified.push(...outcome!.messages.map((x) => x.notify));
    }
    expect(notified).toEqual([true, true, true, false]);
    const stored = google.objects.get(gw.objectId(card.id)) as { loyaltyPoints: { balance: { int: number } }; messages: { messageType: string }[] };
    expect(stored.loyaltyPoints.balance.int).toBe(40);
    expect(stored.messages.map((x) => x.messageType)).toEqual(["TEXT_AND_NOTIFY", "TEXT_AND_NOTIFY", "TEXT_AND_NOTIFY", "TEXT"]);
    expect(await m.db.select().from(googleWalletMessages).where(eq(googleWalletMessages.cardId, card.id))).toHaveLength(4);
    expect(google.requests.filter((r) => r.method === "PATCH")).toHaveLength(4);

    google.reset();
    await updateProgram(m.ctx, { programId: program.id, design: { backgroundColor: "#7c2d12", foregroundColor: "#ffffff", labelColor: "#fed7aa" } });
    await syncGoogleCard(m.db, deps, card.id);
    expect(google.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`POST /loyaltyClass`, `PATCH /loyaltyClass/${gw.classId(program.id)}`]);
    expect(google.classes.get(gw.classId(program.id))).toMatchObject({ hexBackgroundColor: "#7c2d12" });
  });
});

describe("a batch's views", () => {
  it("are the views card by card: the points that lapse next (per merchant time zone), the tier and its next step", async () => {
    const other = await makeMerchant();
    const tiers = { windowDays: 365, levels: [{ name: "Member", threshold: 0, multiplier: 1 }, { name: "Gold", threshold: 100, multiplier: 1 }] };
    const expiring = await makeProgram(m, { name: "Lapsing", expiry: { kind: "rolling", days: 30 }, tiers });
    const elsewhere = await makeProgram(other, { name: "Elsewhere", expiry: { kind: "rolling", days: 60 } });
    const plain = await makeProgram(m, { name: "Plain" });
    const cards = [
      await makeCard(m, expiring.id),
      await makeCard(m, expiring.id),
      await makeCard(other, elsewhere.id),
      await makeCard(m, plain.id),
      await makeCard(m, expiring.id),
    ];
    await earn(m.ctx, { cardId: cards[0]!.id, points: 40 });
    await earn(m.ctx, { cardId: cards[0]!.id, points: 80 });
    await earn(m.ctx, { cardId: cards[1]!.id, points: 5 });
    await earn(other.ctx, { cardId: cards[2]!.id, points: 12 });
    await earn(m.ctx, { cardId: cards[3]!.id, points: 9 });

    const batch = await loadCardViews(m.db, [...cards.map((c) => c.id), "crd_missing"]);
    expect([...batch.keys()].sort()).toEqual(cards.map((c) => c.id).sort());
    expect(batch.get(cards[0]!.id)!.expiring).toMatchObject({ points: 120 });
    expect(batch.get(cards[2]!.id)!.expiring).toMatchObject({ points: 12 });
    expect(batch.get(cards[0]!.id)!.tier).toMatchObject({ name: "Gold" });
    for (const c of cards) {
      const one = await loadCardView(m.db, { cardId: c.id });
      const { modifiedAt: _a, ...fromBatch } = batch.get(c.id)!;
      const { modifiedAt: _b, ...alone } = one!;
      expect(fromBatch).toEqual(alone);
    }
  });
});

describe("wallet-sync Inngest function", () => {
  const changed = (cardId: string, programId: string, balance: number) => ({
    name: "card.balance_changed" as const,
    data: { merchantId: m.merchantId, cardId, programId, entryId: `ent_${balance}`, kind: "earn", amount: 1, balance },
  });
  const patchesOf = (objectId: string) => google.requests.filter((r) => r.method === "PATCH" && r.path === `/loyaltyObject/${encodeURIComponent(objectId)}`);

  it("takes changes in batches, one run at a time, and brings each card of a batch to its latest state in both wallets once", async () => {
    const fn = createWalletSync(() => deps);
    const config = (fn as unknown as { opts: { batchEvents: { maxSize: number; timeout: string }; concurrency: { limit: number }; debounce?: unknown } }).opts;
    expect(config.batchEvents).toEqual({ maxSize: 100, timeout: "1s" });
    expect(config.concurrency).toEqual({ limit: 1 });
    expect(config.debounce).toBeUndefined();

    const program = await makeProgram(m, { name: "Inngest" });
    const cards = [await makeCard(m, program.id), await makeCard(m, program.id), await makeCard(m, program.id)];
    for (const [i, c] of cards.entries()) {
      await registered(c.id, [`batch${i}`]);
      await googleSaveUrl(m.db, deps.google!, (await loadCardView(m.db, { cardId: c.id }))!);
    }
    apns.reset();
    google.reset();

    // Several changes of the first two cards in one batch, the first card's in between the second's.
    // The events carry the balances of their moments; the sync sends each card's state as it is now.
    const batch: ReturnType<typeof changed>[] = [];
    const latest = new Map<string, number>();
    for (const [cardIndex, points] of [[0, 5], [1, 3], [0, 7], [1, 4], [0, 9]] as const) {
      const card = cards[cardIndex]!;
      const balance = (await earn(m.ctx, { cardId: card.id, points })).card.balance;
      latest.set(card.id, balance);
      batch.push(changed(card.id, program.id, balance));
    }
    const { result, error } = await new InngestTestEngine({ function: fn, events: batch as [ReturnType<typeof changed>, ...ReturnType<typeof changed>[]] }).execute();
    expect(error).toBeUndefined();
    const outcomes = (result as { cards: { cardId: string; apple: { sent: number }; google: { patched: boolean } }[] }).cards;
    expect(outcomes.map((o) => o.cardId).sort()).toEqual([cards[0]!.id, cards[1]!.id].sort());
    for (const o of outcomes) expect(o).toMatchObject({ apple: { sent: 1 }, google: { patched: true } });

    // One push and one PATCH per changed card, with its latest balance; the unchanged card is left alone.
    expect(apns.requests.map((r) => r.path).sort()).toEqual(["/3/device/tokenbatch0", "/3/device/tokenbatch1"]);
    const gw = deps.google!;
    for (const card of cards.slice(0, 2)) {
      const patches = patchesOf(gw.objectId(card.id));
      expect(patches).toHaveLength(1);
      expect(patches[0]!.body).toMatchObject({ loyaltyPoints: { balance: { int: latest.get(card.id) } } });
      expect(google.objects.get(gw.objectId(card.id))).toMatchObject({ loyaltyPoints: { balance: { int: latest.get(card.id) } } });
    }
    expect(patchesOf(gw.objectId(cards[2]!.id))).toHaveLength(0);

    // A later batch with an event older than the card's state (a late or repeated delivery): the
    // card's newest balance stays at Google, never the event's.
    apns.reset();
    google.reset();
    const newest = (await earn(m.ctx, { cardId: cards[0]!.id, points: 2 })).card.balance;
    const late = await new InngestTestEngine({ function: fn, events: [changed(cards[0]!.id, program.id, 5), changed(cards[0]!.id, program.id, newest)] }).execute();
    expect(late.error).toBeUndefined();
    expect(patchesOf(gw.objectId(cards[0]!.id))).toHaveLength(1);
    expect(google.objects.get(gw.objectId(cards[0]!.id))).toMatchObject({ loyaltyPoints: { balance: { int: newest } } });

    // The next batch with nothing new: the phone is nudged again, Google is left alone.
    apns.reset();
    google.reset();
    const again = await new InngestTestEngine({ function: fn, events: [changed(cards[0]!.id, program.id, newest)] }).execute();
    expect(again.result).toMatchObject({ cards: [{ cardId: cards[0]!.id, apple: { sent: 1 }, google: { patched: false } }] });
    expect(google.requests.filter((r) => r.method === "PATCH")).toHaveLength(0);
  });

  it("syncs the other cards of a batch when one fails, and fails the run with that card's reason", async () => {
    const fn = createWalletSync(() => deps);
    const program = await makeProgram(m, { name: "Partial" });
    const good = await makeCard(m, program.id);
    const bad = await makeCard(m, program.id);
    for (const c of [good, bad]) {
      await registered(c.id, [c.id.slice(-6)]);
      await googleSaveUrl(m.db, deps.google!, (await loadCardView(m.db, { cardId: c.id }))!);
    }
    const gw = deps.google!;
    // The bad card's object is gone at Google: its PATCH answers 404.
    google.objects.delete(gw.objectId(bad.id));
    apns.reset();
    google.reset();
    const events: [ReturnType<typeof changed>, ...ReturnType<typeof changed>[]] = [] as unknown as [ReturnType<typeof changed>];
    for (const c of [bad, good]) events.push(changed(c.id, program.id, (await earn(m.ctx, { cardId: c.id, points: 6 })).card.balance));

    const { error } = await new InngestTestEngine({ function: fn, events }).execute();
    expect(String((error as Error | undefined)?.message ?? error)).toMatch(/1 of 2 cards were not synced: Google Wallet loyaltyObject patch answered 404/);
    expect(google.objects.get(gw.objectId(good.id))).toMatchObject({ loyaltyPoints: { balance: { int: 6 } } });
    expect(apns.requests.map((r) => r.path).sort()).toEqual([`/3/device/token${bad.id.slice(-6)}`, `/3/device/token${good.id.slice(-6)}`].sort());
    // The good card's sync is recorded (a retry does not PATCH it again); the bad one's is not.
    const [goodSaved] = await m.db.select().from(googleWalletObjects).where(eq(googleWalletObjects.cardId, good.id));
    const [badSaved] = await m.db.select().from(googleWalletObjects).where(eq(googleWalletObjects.cardId, bad.id));
    expect(goodSaved!.syncedBalance).toBe(6);
    expect(badSaved!.syncedBalance).toBe(0);
  });

  it("retries when APNs is down", async () => {
    const fn = createWalletSync(() => deps);
    const program = await makeProgram(m, { name: "Retry" });
    const card = await makeCard(m, program.id);
    await registered(card.id, ["r"]);
    apns.answer(() => ({ status: 500 }));
    const event = { name: "tier.changed" as const, data: { merchantId: m.merchantId, cardId: card.id, programId: program.id, from: null, to: "Gold" } };
    const { error } = await new InngestTestEngine({ function: fn, events: [event] }).execute();
    expect(error).toBeDefined();
    expect(apns.requests.length).toBeGreaterThanOrEqual(3);
  });
});
