import fs from "node:fs";
import path from "node:path";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appleRegistrations, googleWalletObjects, walletPassActivity, walletPassEvents } from "@/db/schema";
import { env } from "@/lib/env";
import { overview } from "@/lib/insights/overview";
import { recordPassEvent } from "@/lib/insights/pass-events";
import { memberDetail } from "@/lib/customers/members";
import { ApnsSender } from "@/wallet/apple/apns";
import { GoogleRootKeys, verifyGoogleCallback } from "@/wallet/google/callback";
import { pushAppleUpdate } from "@/wallet/sync";
import { DELETE as unregisterRoute, POST as registerRoute } from "@/app/api/wallet/apple/v1/devices/[deviceId]/registrations/[passTypeId]/[serial]/route";
import { GET as passRoute } from "@/app/api/wallet/apple/v1/passes/[passTypeId]/[serial]/route";
import { POST as googleCallbackRoute } from "@/app/api/wallet/google/callback/route";
import { startApnsFake } from "../support/apns-fake";
import { makeCard, makeMerchant, makeProgram, makeUser, type TestMerchant } from "../support/fixtures";
import { startGoogleCallbackFake } from "../support/google-callback-fake";
import { testAppleConfig, testWalletCerts } from "../support/wallet-certs";

const DAY = 86_400_000;
let m: TestMerchant;
let google: Awaited<ReturnType<typeof startGoogleCallbackFake>>;
const { manifest, files } = testWalletCerts();
const issuerId = manifest.googleIssuerId;

beforeAll(async () => {
  google = await startGoogleCallbackFake();
  // The app's wallet configuration: the test certificates (Apple signer, Google issuer), Google's keys from the fake.
  Object.assign(env, { WALLET_DEV_CERTS_DIR: path.dirname(files.manifest), GOOGLE_WALLET_CALLBACK_KEYS_URL: google.keysUrl });
  m = await makeMerchant();
});

afterAll(async () => {
  await google.close();
});

const events = (cardId: string) =>
  m.db.select({ wallet: walletPassEvents.wallet, kind: walletPassEvents.kind, merchantId: walletPassEvents.merchantId }).from(walletPassEvents).where(eq(walletPassEvents.cardId, cardId));

function registration(method: "POST" | "DELETE", cardId: string, token: string, device = "device-1") {
  const params = Promise.resolve({ deviceId: device, passTypeId: manifest.passTypeId, serial: cardId });
  const request = new Request(`http://localhost/api/wallet/apple/v1/devices/${device}/registrations/${manifest.passTypeId}/${cardId}`, {
    method,
    headers: { authorization: `ApplePass ${token}`, "content-type": "application/json" },
    body: method === "POST" ? JSON.stringify({ pushToken: "abc123" }) : undefined,
  });
  return (method === "POST" ? registerRoute : unregisterRoute)(request, { params });
}

describe("Apple registrations as wallet events", () => {
  it("records an install when a device registers and a removal when it unregisters, once each", async () => {
    const program = await makeProgram(m);
    const card = await makeCard(m, program.id);

    expect((await registration("POST", card.id, card.walletAuthToken)).status).toBe(201);
    expect((await registration("POST", card.id, card.walletAuthToken)).status).toBe(200); // already registered: no second install
    expect((await registration("POST", card.id, "wrong-token-wrong-token")).status).toBe(401);
    expect(await events(card.id)).toEqual([{ wallet: "apple", kind: "installed", merchantId: m.merchantId }]);

    expect((await registration("DELETE", card.id, card.walletAuthToken)).status).toBe(200);
    expect((await registration("DELETE", card.id, card.walletAuthToken)).status).toBe(200); // not registered any more: nothing to record
    expect((await registration("DELETE", card.id, "wrong-token-wrong-token")).status).toBe(401);
    const recorded = await events(card.id);
    expect(recorded.map((e) => e.kind).sort()).toEqual(["installed", "removed"]);
  });

  it("records a removal when APNs says a device's token is dead, and notes the last push and the last download", async () => {
    const apns = await startApnsFake();
    const apple = testAppleConfig({ apns: { baseUrl: apns.url, ca: fs.readFileSync(files.rootCa, "utf8") } });
    const sender = new ApnsSender({ baseUrl: apns.url, cert: apple.certificates.signerCert, key: apple.certificates.signerKey, ca: apple.apns.ca });
    try {
      const program = await makeProgram(m);
      const card = await makeCard(m, program.id);
      expect((await registration("POST", card.id, card.walletAuthToken, "phone-a")).status).toBe(201);
      expect((await registration("POST", card.id, card.walletAuthToken, "phone-b")).status).toBe(201);
      await m.db.update(appleRegistrations).set({ pushToken: "deadbeef" }).where(and(eq(appleRegistrations.cardId, card.id), eq(appleRegistrations.deviceLibraryId, "phone-b")));
      apns.refuse("deadbeef", "Unregistered");

      const before = await memberDetail(m.ctx, card.customerId);
      expect(before.cards[0]!.wallet.apple).toEqual({ pushedAt: null, fetchedAt: null });

      expect(await pushAppleUpdate(m.db, { apple: { config: apple, sender }, google: null }, card.id)).toMatchObject({ sent: 1, unregistered: 1 });
      const kinds = (await events(card.id)).map((e) => e.kind).sort();
      expect(kinds).toEqual(["installed", "installed", "removed"]);

      const pass = await passRoute(new Request("http://localhost/x", { headers: { authorization: `ApplePass ${card.walletAuthToken}` } }), {
        params: Promise.resolve({ passTypeId: manifest.passTypeId, serial: card.id }),
      });
      expect(pass.status).toBe(200);
      const after = await memberDetail(m.ctx, card.customerId);
      expect(after.cards[0]!.wallet.apple.pushedAt).toBeInstanceOf(Date);
      expect(after.cards[0]!.wallet.apple.fetchedAt).toBeInstanceOf(Date);
      expect(after.cards[0]!.wallet.google).toEqual({ pushedAt: null, fetchedAt: null });
    } finally {
      sender.close();
      await apns.close();
    }
  });
});

describe("Google save and delete callbacks", () => {
  async function savedCard() {
    const program = await makeProgram(m);
    const card = await makeCard(m, program.id);
    const objectId = `${issuerId}.${card.id}`;
    await m.db.insert(googleWalletObjects).values({ cardId: card.id, objectId, classId: `${issuerId}.${program.id}`, syncedHash: "x", syncedBalance: 0 });
    return { card, objectId, classId: `${issuerId}.${program.id}` };
  }

  const post = (body: unknown) =>
    googleCallbackRoute(new Request("http://localhost/api/wallet/google/callback", { method: "POST", headers: { "content-type": "application/json" }, body: typeof body === "string" ? body : JSON.stringify(body) }));

  it("records a verified save as an install and a delete as a removal; a repeated callback counts once", async () => {
    const { card, objectId, classId } = await savedCard();
    const save = google.callback({ classId, objectId, eventType: "save", nonce: "nonce-1" }, { recipientId: issuerId });

    const first = await post(save);
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ received: true, recorded: true });
    const again = await post(save); // Google retries: same nonce, object and event
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ received: true, recorded: false });
    expect(await events(card.id)).toEqual([{ wallet: "google", kind: "installed", merchantId: m.merchantId }]);

    expect((await post(google.callback({ classId, objectId, eventType: "del", nonce: "nonce-2" }, { recipientId: issuerId }))).status).toBe(200);
    expect((await events(card.id)).map((e) => e.kind).sort()).toEqual(["installed", "removed"]);
  });

  it("refuses forged, tampered, misaddressed and expired callbacks with a 4xx and records nothing", async () => {
    const { card, objectId, classId } = await savedCard();
    const msg = { classId, objectId, eventType: "save" as const };
    const refusals: [string, unknown, number, RegExp][] = [
      ["intermediate key signed by a stranger", google.callback(msg, { recipientId: issuerId, signRootWith: google.strangerKey() }), 401, /not signed by a Google root key/],
      ["message signed by a stranger", google.callback(msg, { recipientId: issuerId, signMessageWith: google.strangerKey() }), 401, /not signed by the intermediate key/],
      ["message changed after signing", google.callback(msg, { recipientId: issuerId, tamper: true }), 401, /not signed by the intermediate key/],
      ["signed for another issuer", google.callback(msg, { recipientId: "3388000000000000001" }), 401, /for this issuer/],
      ["expired intermediate key", google.callback(msg, { recipientId: issuerId, intermediateExpiration: Date.now() - 1000 }), 401, /intermediate signing key has expired/],
      ["expired message", google.callback({ ...msg, expTimeMillis: Date.now() - 1000 }, { recipientId: issuerId }), 401, /message has expired/],
      ["another protocol", { ...google.callback(msg, { recipientId: issuerId }), protocolVersion: "ECv1" }, 401, /protocol/],
      ["not a signed message", { hello: "world" }, 400, /fields of a signed Google message/],
      ["not JSON", "{{", 400, /not valid JSON/],
    ];
    for (const [what, body, status, reason] of refusals) {
      const res = await post(body);
      expect(res.status, what).toBe(status);
      expect(res.headers.get("content-type"), what).toContain("application/problem+json");
      expect(((await res.json()) as { detail: string }).detail, what).toMatch(reason);
    }
    expect(await events(card.id)).toEqual([]);
  });

  it("refuses a callback when Google's root key has expired", async () => {
    const { card, objectId, classId } = await savedCard();
    const stale = await startGoogleCallbackFake({ rootKeyExpiration: Date.now() - 60_000 });
    try {
      const keys = new GoogleRootKeys(stale.keysUrl);
      const body = stale.callback({ classId, objectId, eventType: "save" }, { recipientId: issuerId });
      expect(() => verifyGoogleCallback(body, { rootKeys: [], recipientId: issuerId })).toThrow(/no unexpired Google root key/);
      await expect(keys.get().then((rootKeys) => verifyGoogleCallback(body, { rootKeys, recipientId: issuerId }))).rejects.toThrow(/no unexpired Google root key/);
      Object.assign(env, { GOOGLE_WALLET_CALLBACK_KEYS_URL: stale.keysUrl });
      const res = await post(body);
      expect(res.status).toBe(401);
      expect(await events(card.id)).toEqual([]);
    } finally {
      Object.assign(env, { GOOGLE_WALLET_CALLBACK_KEYS_URL: google.keysUrl });
      await stale.close();
    }
  });

  it("keeps Google's keys for the time they may be cached", async () => {
    const { objectId, classId } = await savedCard();
    const fake = await startGoogleCallbackFake();
    try {
      const keys = new GoogleRootKeys(fake.keysUrl);
      for (const nonce of ["a", "b", "c"]) {
        const body = fake.callback({ classId, objectId, eventType: "save", nonce }, { recipientId: issuerId });
        expect(verifyGoogleCallback(body, { rootKeys: await keys.get(), recipientId: issuerId }).nonce).toBe(nonce);
      }
      expect(fake.state.fetches).toBe(1);
    } finally {
      await fake.close();
    }
  });
});

describe("the overview's wallet passes", () => {
  it("counts installs, removals and passes in a wallet per day from the events", async () => {
    const shop = await makeMerchant();
    const program = await makeProgram(shop);
    const [a, b, c, d] = [await makeCard(shop, program.id), await makeCard(shop, program.id), await makeCard(shop, program.id), await makeCard(shop, program.id)];
    const now = Date.now();
    const ago = (days: number) => new Date(now - days * DAY);
    // a: on an iPhone since three days ago (still registered). b: installed then, removed yesterday.
    await shop.db.insert(appleRegistrations).values({ id: "reg_analytics_a_" + a.id.slice(-8), deviceLibraryId: "dev-a", passTypeId: manifest.passTypeId, serialNumber: a.id, cardId: a.id, pushToken: "aa" });
    await recordPassEvent(shop.db, { cardId: a.id, wallet: "apple", kind: "installed", at: ago(3) });
    await recordPassEvent(shop.db, { cardId: b.id, wallet: "apple", kind: "installed", at: ago(3) });
    await recordPassEvent(shop.db, { cardId: b.id, wallet: "apple", kind: "removed", at: ago(1) });
    // c: saved to Google yesterday. d: saved today, and the same callback once more (counted once).
    await recordPassEvent(shop.db, { cardId: c.id, wallet: "google", kind: "installed", at: ago(1), dedupeKey: `t:${c.id}` });
    await recordPassEvent(shop.db, { cardId: d.id, wallet: "google", kind: "installed", at: ago(0), dedupeKey: `t:${d.id}` });
    expect(await recordPassEvent(shop.db, { cardId: d.id, wallet: "google", kind: "installed", at: ago(0), dedupeKey: `t:${d.id}` })).toBe(false);
    // Another merchant's events stay out.
    const other = await makeMerchant();
    await recordPassEvent(other.db, { cardId: await makeCard(other, (await makeProgram(other)).id).then((x) => x.id), wallet: "apple", kind: "installed" });

    const owner = await makeUser(shop, "owner");
    const data = await overview({ ...shop.ctx, actor: owner, now: () => new Date(now) }, { days: 7 });
    expect(data.totals).toMatchObject({ activePasses: 3, passesInstalled: 4, passesRemoved: 1 });
    const last5 = data.series.slice(-5).map((p) => [p.passesInstalled, p.passesRemoved, p.activePasses]);
    expect(last5).toEqual([
      [0, 0, 0], // four days ago
      [2, 0, 2], // a and b installed
      [0, 0, 2],
      [1, 1, 2], // c saved, b removed
      [1, 0, 3], // d saved (once)
    ]);
  });
});

describe("member page", () => {
  it("shows when a Google object was last updated and read", async () => {
    const program = await makeProgram(m);
    const card = await makeCard(m, program.id);
    const at = new Date("2026-01-02T03:04:05Z");
    await m.db.insert(walletPassActivity).values({ cardId: card.id, googlePushedAt: at, googleFetchedAt: at });
    const detail = await memberDetail(m.ctx, card.customerId);
    expect(detail.cards[0]!.wallet).toEqual({ apple: { pushedAt: null, fetchedAt: null }, google: { pushedAt: at, fetchedAt: at } });
  });
});

describe("Google's token endpoint", () => {
  it("is taken from GOOGLE_OAUTH_TOKEN_URL, so a production server can talk to local fakes", async () => {
    const { startGoogleFake } = await import("../support/google-fake");
    const { GoogleWalletClient } = await import("@/wallet/google/client");
    const { testGoogleConfig } = await import("../support/wallet-certs");
    const fake = await startGoogleFake();
    const before = env.GOOGLE_OAUTH_TOKEN_URL;
    try {
      Object.assign(env, { GOOGLE_OAUTH_TOKEN_URL: fake.tokenUrl });
      const gw = new GoogleWalletClient(testGoogleConfig(fake.baseUrl)); // no injected token: it must fetch one
      const res = await gw.call("POST", "/loyaltyClass", { id: `${issuerId}.token_test` });
      expect(res.status).toBe(200);
      expect(fake.requests.at(-1)?.authorization).toBe(`Bearer ${fake.token}`);
    } finally {
      Object.assign(env, { GOOGLE_OAUTH_TOKEN_URL: before });
      await fake.close();
    }
  });
});
