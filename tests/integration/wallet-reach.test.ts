import fs from "node:fs";
import { InngestTestEngine } from "@inngest/test";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { googleWalletObjects, outboxEvents, walletMessages } from "@/db/schema";
import { eraseCustomer } from "@/lib/customers/gdpr";
import { env } from "@/lib/env";
import { updateSettings } from "@/lib/merchants/settings";
import { loadCardView } from "@/lib/cards/view";
import { createWalletSync } from "@/jobs/wallet-sync";
import { createWalletSyncMerchant } from "@/jobs/wallet-sync-merchant";
import { createWalletSyncMessage } from "@/jobs/wallet-sync-message";
import { ApnsSender } from "@/wallet/apple/apns";
import { httpDate, latestPass, registerDevice } from "@/wallet/apple/service";
import type { GoogleConfig } from "@/wallet/config";
import { GoogleWalletClient } from "@/wallet/google/client";
import { googleSaveUrl } from "@/wallet/google/sync";
import type { WalletDeps } from "@/wallet/sync";
import { GET, POST } from "@/app/(public)/c/[token]/google/route";
import { startApnsFake } from "../support/apns-fake";
import { makeCard, makeMerchant, makeProgram, type TestMerchant } from "../support/fixtures";
import { startGoogleFake } from "../support/google-fake";
import { readStoredZip, testAppleConfig, testGoogleConfig, testWalletCerts } from "../support/wallet-certs";

// Every change reaches both wallets: erasure, the business's name, a message's expiry; and the
// Google object is created by the customer's action, never by a GET.

let apns: Awaited<ReturnType<typeof startApnsFake>>;
let google: Awaited<ReturnType<typeof startGoogleFake>>;
let sender: ApnsSender;
let deps: WalletDeps;
let m: TestMerchant;
let googleConfigForRoute: GoogleConfig;
let tokenUrlBefore: string;

vi.mock("@/wallet/config", async (importOriginal) => {
  const original = await importOriginal<typeof import("@/wallet/config")>();
  return { ...original, googleConfig: () => googleConfigForRoute };
});

beforeAll(async () => {
  apns = await startApnsFake();
  google = await startGoogleFake();
  const apple = testAppleConfig({ apns: { baseUrl: apns.url, ca: fs.readFileSync(testWalletCerts().files.rootCa, "utf8") } });
  sender = new ApnsSender({ baseUrl: apns.url, cert: apple.certificates.signerCert, key: apple.certificates.signerKey, ca: apple.apns.ca });
  googleConfigForRoute = testGoogleConfig(google.baseUrl);
  // The route makes its own client, which asks Google's OAuth endpoint for a token: the fake's, so
  // no test here reaches for a host outside this machine.
  tokenUrlBefore = env.GOOGLE_OAUTH_TOKEN_URL;
  Object.assign(env, { GOOGLE_OAUTH_TOKEN_URL: google.tokenUrl });
  const gw = new GoogleWalletClient(googleConfigForRoute, { credentials: { access_token: google.token, expiry_date: Date.now() + 3600_000 } });
  deps = { apple: { config: apple, sender }, google: gw };
  m = await makeMerchant();
});
afterAll(async () => {
  Object.assign(env, { GOOGLE_OAUTH_TOKEN_URL: tokenUrlBefore });
  sender.close();
  await apns.close();
  await google.close();
});
beforeEach(() => {
  apns.reset();
  google.reset();
});

type PassJson = { voided?: boolean; organizationName: string; storeCard: Record<string, { key: string; value: unknown }[] | undefined> };

async function walletCard(programId: string, device: string) {
  const card = await makeCard(m, programId, `${device}-${Date.now()}@example.test`);
  await registerDevice(m.db, deps.apple!.config, { deviceId: `dev-${device}`, passTypeId: deps.apple!.config.passTypeId, serial: card.id, pushToken: `tok${device}`, authorization: `ApplePass ${card.walletAuthToken}` });
  await googleSaveUrl(m.db, deps.google!, (await loadCardView(m.db, { cardId: card.id }))!);
  apns.reset();
  google.reset();
  return card;
}
async function passOf(card: { id: string; walletAuthToken: string }) {
  const res = await latestPass(m.db, deps.apple!.config, { passTypeId: deps.apple!.config.passTypeId, serial: card.id, authorization: `ApplePass ${card.walletAuthToken}`, ifModifiedSince: null });
  if (res.notModified) throw new Error("expected a pass");
  return { pass: JSON.parse(readStoredZip(res.body)["pass.json"]!.toString()) as PassJson, lastModified: httpDate(res.lastModified) };
}
const fieldsOf = (p: PassJson) => Object.values(p.storeCard).flatMap((f) => f ?? []);

describe("changes that reach both wallets", () => {
  it("erasing a customer voids the Apple pass (and pushes it) and expires the Google object without the name", async () => {
    const program = await makeProgram(m, { name: "Erase me" });
    const card = await walletCard(program.id, "erase");
    const objectId = deps.google!.objectId(card.id);
    expect(google.objects.get(objectId)).toMatchObject({ state: "ACTIVE", accountName: expect.stringContaining("erase-") });

    await eraseCustomer(m.ctx, { customerId: card.customerId });
    const events = await m.db.select().from(outboxEvents).where(and(eq(outboxEvents.merchantId, m.merchantId), eq(outboxEvents.type, "card.closed")));
    expect(events.map((e) => e.payload)).toEqual([{ cardId: card.id, programId: program.id }]);

    const { error } = await new InngestTestEngine({ function: createWalletSync(() => deps), events: [{ name: "card.closed" as const, data: { merchantId: m.merchantId, cardId: card.id, programId: program.id } }] }).execute();
    expect(error).toBeUndefined();
    expect(apns.requests.map((r) => r.path)).toEqual(["/3/device/tokerase"]);
    const { pass } = await passOf(card);
    expect(pass.voided).toBe(true);
    expect(JSON.stringify(pass)).not.toMatch(/erase-\d+/);
    expect(fieldsOf(pass).map((f) => f.key)).not.toContain("member");

    const stored = google.objects.get(objectId) as Record<string, unknown>;
    expect(stored).toMatchObject({ state: "EXPIRED", accountName: "", accountId: "", textModulesData: [], messages: [] });
    expect(JSON.stringify(stored)).not.toMatch(/erase-\d+/);
  });

  it("a rename of the business is recorded as merchant.changed and re-syncs every wallet card", async () => {
    const own = await makeMerchant();
    const saved = m;
    m = own;
    try {
      const program = await makeProgram(m, { name: "Renamed" });
      const card = await walletCard(program.id, "rename");
      const before = await passOf(card);
      apns.reset();
      await updateSettings(m.ctx, { name: "Bean There Roasters", brandColor: "#123456", currency: "USD", timezone: "UTC" });
      const events = await m.db.select().from(outboxEvents).where(and(eq(outboxEvents.merchantId, m.merchantId), eq(outboxEvents.type, "merchant.changed")));
      expect(events.map((e) => e.payload)).toEqual([{ fields: ["name", "brandColor"] }]);

      const out = await new InngestTestEngine({ function: createWalletSyncMerchant(() => deps), events: [{ name: "merchant.changed" as const, data: { merchantId: m.merchantId, fields: ["name"] } }] }).execute();
      expect(out.error).toBeUndefined();
      expect(out.result).toMatchObject({ updated: 1, pushed: 1 });
      expect(apns.requests.map((r) => r.path)).toEqual(["/3/device/tokrename"]);
      const after = await passOf(card);
      expect(before.pass.organizationName).not.toBe("Bean There Roasters");
      expect(after.pass.organizationName).toBe("Bean There Roasters");
      expect(google.classes.get(deps.google!.classId(program.id))).toMatchObject({ issuerName: "Bean There Roasters" });
    } finally {
      m = saved;
    }
  });

  it("a message leaves the pass when it expires: the job waits until then and pushes the pass without it", async () => {
    const program = await makeProgram(m, { name: "Expiring message" });
    const card = await walletCard(program.id, "expire");
    const event = { name: "wallet.message_requested" as const, data: { merchantId: m.merchantId, cardId: card.id, programId: program.id, title: "Double points", body: "This weekend only", reason: "campaign:weekend" } };
    let slept: unknown;
    const { result, error } = await new InngestTestEngine({
      function: createWalletSyncMessage(() => deps),
      events: [event],
      // The sleep: a month passes (the message is aged by the test).
      steps: [
        {
          id: "until-message-expires",
          handler: async () => {
            slept = true;
            await m.db.update(walletMessages).set({ createdAt: new Date(Date.now() - 31 * 86_400_000) }).where(eq(walletMessages.cardId, card.id));
          },
        },
      ],
    }).execute();
    expect(error).toBeUndefined();
    expect(slept).toBe(true);
    expect(result).toMatchObject({ apple: { pushed: true }, expired: { pushed: true, changed: true } });
    expect(apns.requests).toHaveLength(2);
    expect(fieldsOf((await passOf(card)).pass).map((f) => f.key)).not.toContain("message");
    // Google hides it by itself at the same moment.
    const added = google.requests.find((r) => r.path.endsWith("/addMessage"))!;
    expect(added.body).toMatchObject({ message: { displayInterval: { end: { date: expect.any(String) } } } });
  });

  it("a GET of /c/{token}/google (a link prefetcher) creates nothing at Google; the customer's POST does", async () => {
    const program = await makeProgram(m, { name: "Prefetch" });
    const card = await makeCard(m, program.id);
    const url = `http://localhost:3000/c/${card.publicToken}/google`;
    const params = { params: Promise.resolve({ token: card.publicToken }) };
    // The route makes its own client: count its calls.
    const calls = vi.spyOn(GoogleWalletClient.prototype, "call");
    const got = await GET(new Request(url), params);
    expect(calls).not.toHaveBeenCalled();
    expect(got.status).toBe(303);
    expect(got.headers.get("location")).toBe(`http://localhost:3000/c/${card.publicToken}`);
    expect(google.requests).toHaveLength(0);
    expect(await m.db.select().from(googleWalletObjects).where(eq(googleWalletObjects.cardId, card.id))).toHaveLength(0);

    const posted = await POST(new Request(url, { method: "POST" }), { params: Promise.resolve({ token: card.publicToken }) });
    expect(posted.status).toBe(303);
    expect(posted.headers.get("location")).toMatch(/^https:\/\/pay\.google\.com\/gp\/v\/save\/ey/);
    expect(calls.mock.calls.map(([method, path]) => `${method} ${path}`)).toContain("POST /loyaltyClass");
    calls.mockRestore();
    // With a token from the (fake) OAuth endpoint, the class and the object now exist at Google and
    // the card remembers its object.
    expect(google.requests.map((r) => `${r.method} ${r.path}`)).toEqual(expect.arrayContaining([expect.stringMatching(/^POST .*\/loyaltyObject$/)]));
    expect(await m.db.select().from(googleWalletObjects).where(eq(googleWalletObjects.cardId, card.id))).toHaveLength(1);
  });
});
