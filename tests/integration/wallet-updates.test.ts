import fs from "node:fs";
import { InngestTestEngine } from "@inngest/test";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { applePassStates, googleWalletMessages, outboxEvents, walletMessages } from "@/db/schema";
import { loadCardView } from "@/lib/cards/view";
import { earn } from "@/lib/ledger/earn";
import { createWalletSyncMerchant } from "@/jobs/wallet-sync-merchant";
import { createWalletSyncMessage } from "@/jobs/wallet-sync-message";
import { createWalletSyncProgram } from "@/jobs/wallet-sync-program";
import { createLocation, updateLocation } from "@/lib/locations/verbs";
import { updateReward } from "@/lib/rewards/verbs";
import { ApnsSender } from "@/wallet/apple/apns";
import { httpDate, latestPass, registerDevice, serialsUpdatedSince } from "@/wallet/apple/service";
import { observePass } from "@/wallet/apple/state";
import { GoogleWalletClient } from "@/wallet/google/client";
import { googleSaveUrl } from "@/wallet/google/sync";
import { addGoogleMessage, walletMessageId } from "@/wallet/messages";
import type { WalletDeps } from "@/wallet/sync";
import { startApnsFake } from "../support/apns-fake";
import { makeCard, makeMerchant, makeProgram, makeReward, type TestMerchant } from "../support/fixtures";
import { startGoogleFake } from "../support/google-fake";
import { readStoredZip, testAppleConfig, testGoogleConfig, testWalletCerts } from "../support/wallet-certs";

// What reaches a pass besides the card's own changes: messages (reminders, campaigns), rewards and
// locations; and Last-Modified / If-Modified-Since when changes fall within one second.

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

const config = () => deps.apple!.config;
// The message job sleeps until the message expires (then pushes the pass without it): no sleeping here.
const noSleep = () => [{ id: "until-message-expires", handler: () => undefined }];
type Field = { key: string; label?: string; value: unknown; changeMessage?: string };
type PassJson = { locations?: { latitude: number }[]; storeCard: Record<string, Field[] | undefined> };

/** A card in both wallets: one Apple device registered, the Google object saved. */
async function walletCard(programId: string, device: string) {
  const card = await makeCard(m, programId);
  await registerDevice(m.db, config(), {
    deviceId: `device-${device}`,
    passTypeId: config().passTypeId,
    serial: card.id,
    pushToken: `token${device}`,
    authorization: `ApplePass ${card.walletAuthToken}`,
  });
  await googleSaveUrl(m.db, deps.google!, (await loadCardView(m.db, { cardId: card.id }))!);
  apns.reset();
  google.reset();
  return card;
}

/** What a device gets for GET /v1/passes/…: the pass JSON and Last-Modified, or 304. */
async function fetchPass(card: { id: string; walletAuthToken: string }, ifModifiedSince: string | null = null) {
  const res = await latestPass(m.db, config(), { passTypeId: config().passTypeId, serial: card.id, authorization: `ApplePass ${card.walletAuthToken}`, ifModifiedSince });
  if (res.notModified) return { status: 304 as const, lastModified: httpDate(res.lastModified) };
  const pass = JSON.parse(readStoredZip(res.body)["pass.json"]!.toString()) as PassJson;
  return { status: 200 as const, lastModified: httpDate(res.lastModified), pass };
}

const field = (pass: PassJson, key: string) => Object.values(pass.storeCard).flatMap((f) => f ?? []).find((f) => f.key === key);

const listSerials = (device: string, since?: string) => serialsUpdatedSince(m.db, { deviceId: `device-${device}`, passTypeId: config().passTypeId, since });

describe("wallet.message_requested", () => {
  it("shows the message on the Apple pass with a changeMessage and on the Google object with a notification, once", async () => {
    const program = await makeProgram(m, { name: "Messages" });
    const card = await walletCard(program.id, "msg");
    const before = await fetchPass(card);
    const tag = (await listSerials("msg"))!.lastUpdated;

    const fn = createWalletSyncMessage(() => deps);
    const event = {
      name: "wallet.message_requested" as const,
      data: { merchantId: m.merchantId, cardId: card.id, programId: program.id, title: "Points expiring", body: "120 points expire on 2030-01-31", reason: "expiry:2030-01-31:7" },
    };
    const { result, error } = await new InngestTestEngine({ function: fn, events: [event], steps: noSleep() }).execute();
    expect(error).toBeUndefined();
    expect(result).toMatchObject({ cardId: card.id, apple: { sent: 1, pushed: true, changed: true }, google: { added: true, notify: true } });

    // Apple: one empty push; the pass now carries the message on its back, with a changeMessage,
    // and it is newer for the device (serial list and If-Modified-Since).
    expect(apns.requests.map((r) => `${r.path} ${r.body}`)).toEqual(["/3/device/tokenmsg {}"]);
    expect((await listSerials("msg", tag))?.serialNumbers).toEqual([card.id]);
    const after = await fetchPass(card, before.lastModified);
    expect(after.status).toBe(200);
    const message = field(after.pass!, "message");
    expect(message).toMatchObject({ label: "Points expiring", value: "120 points expire on 2030-01-31" });
    expect(message!.changeMessage).toContain("%@");
    expect(after.pass!.storeCard.backFields!.map((f) => f.key)).toContain("message");

    // Google: addMessage with our id, TEXT_AND_NOTIFY.
    const added = google.requests.filter((r) => r.path.endsWith("/addMessage"));
    expect(added).toHaveLength(1);
    expect(added[0]!.body).toMatchObject({ message: { header: "Points expiring", body: "120 points expire on 2030-01-31", messageType: "TEXT_AND_NOTIFY" } });

    // The same request again (a redelivered event, a rerun): nothing new anywhere.
    apns.reset();
    google.reset();
    const again = await new InngestTestEngine({ function: fn, events: [event], steps: noSleep() }).execute();
    expect(again.error).toBeUndefined();
    expect(again.result).toMatchObject({ apple: { pushed: false }, google: { added: false } });
    expect(apns.requests).toHaveLength(0);
    expect(google.requests.filter((r) => r.method !== "GET")).toHaveLength(0);
    expect(await m.db.select().from(walletMessages).where(eq(walletMessages.cardId, card.id))).toHaveLength(1);
    expect((await fetchPass(card, after.lastModified)).status).toBe(304);
  });

  it("adds to Google once even when the answer was lost, and stays within 3 notifications a day", async () => {
    const program = await makeProgram(m, { name: "Budget" });
    const card = await walletCard(program.id, "budget");
    const fn = createWalletSyncMessage(() => deps);
    const send = (i: number) =>
      new InngestTestEngine({
        function: fn,
        steps: noSleep(),
        events: [{ name: "wallet.message_requested" as const, data: { merchantId: m.merchantId, cardId: card.id, programId: program.id, title: `News ${i}`, body: `Offer ${i}`, reason: `campaign:c${i}` } }],
      }).execute();
    for (let i = 1; i <= 4; i++) expect((await send(i)).error).toBeUndefined();
    const objectId = deps.google!.objectId(card.id);
    const stored = () => (google.objects.get(objectId) as { messages: { id: string; messageType: string }[] }).messages;
    expect(stored().map((x) => x.messageType)).toEqual(["TEXT_AND_NOTIFY", "TEXT_AND_NOTIFY", "TEXT_AND_NOTIFY", "TEXT"]);
    // Apple shows the newest.
    expect(field((await fetchPass(card)).pass!, "message")).toMatchObject({ label: "News 4", value: "Offer 4" });

    // A retry after Google took the message but its answer was lost: Google keeps a repeated id,
    // so the retry looks at the object's messages first and adds nothing.
    google.behave({ loseAnswers: 1 });
    expect((await send(5)).error).toBeDefined();
    expect(stored()).toHaveLength(5);
    google.reset();
    const retry = await send(5);
    expect(retry.error).toBeUndefined();
    expect(retry.result).toMatchObject({ google: { added: false, notify: false } });
    expect(google.requests.filter((r) => r.path.endsWith("/addMessage"))).toHaveLength(0);
    expect(google.requests.filter((r) => r.method === "GET")).toHaveLength(1);
    const fifth = walletMessageId(card.id, "campaign:c5");
    expect(stored().filter((x) => x.id === fifth)).toHaveLength(1);
    // One record per logical message, however often it was tried.
    expect(await m.db.select().from(googleWalletMessages).where(eq(googleWalletMessages.cardId, card.id))).toHaveLength(5);
    expect(await addGoogleMessage(m.db, deps.google, fifth)).toEqual({ added: false, notify: false, quotaLimited: false });
  });

  it("falls back to a message without notification when Google answers with a quota error, and records it", async () => {
    const program = await makeProgram(m, { name: "Quota" });
    const card = await walletCard(program.id, "quota");
    google.behave({ quota: true });
    const { result, error } = await new InngestTestEngine({
      function: createWalletSyncMessage(() => deps),
      steps: noSleep(),
      events: [{ name: "wallet.message_requested" as const, data: { merchantId: m.merchantId, cardId: card.id, programId: program.id, title: "Hello", body: "Hi", reason: "campaign:q" } }],
    }).execute();
    expect(error).toBeUndefined();
    expect(result).toMatchObject({ google: { added: true, notify: false, quotaLimited: true } });
    const adds = google.requests.filter((r) => r.path.endsWith("/addMessage")).map((r) => (r.body as { message: { messageType: string } }).message.messageType);
    expect(adds).toEqual(["TEXT_AND_NOTIFY", "TEXT"]);
    const [row] = await m.db.select().from(googleWalletMessages).where(eq(googleWalletMessages.cardId, card.id));
    expect(row).toMatchObject({ notify: false, quotaLimited: true });
    expect(row!.sentAt).not.toBeNull();
  });

  it("skips a card that is gone, and a card that is in no Google Wallet", async () => {
    const program = await makeProgram(m, { name: "Skips" });
    const fn = createWalletSyncMessage(() => deps);
    const gone = await new InngestTestEngine({
      function: fn,
      steps: noSleep(),
      events: [{ name: "wallet.message_requested" as const, data: { merchantId: m.merchantId, cardId: "crd_missing", programId: program.id, title: "T", body: "B", reason: "r" } }],
    }).execute();
    expect(gone.result).toEqual({ cardId: "crd_missing", skipped: "no such card" });

    const card = await makeCard(m, program.id);
    const { result } = await new InngestTestEngine({
      function: fn,
      steps: noSleep(),
      events: [{ name: "wallet.message_requested" as const, data: { merchantId: m.merchantId, cardId: card.id, programId: program.id, title: "T", body: "B", reason: "r" } }],
    }).execute();
    expect(result).toMatchObject({ apple: { sent: 0 }, google: null });
    expect(google.requests).toHaveLength(0);
  });
});

describe("reward and location changes", () => {
  it("a reward's name, stock or state moves the passes that show it and pushes them; a change nobody sees pushes nothing", async () => {
    const program = await makeProgram(m, { name: "Catalog" });
    const coffee = await makeReward(m, program.id, 50, 10);
    const card = await walletCard(program.id, "rwd");
    await earn(m.ctx, { cardId: card.id, points: 60 });
    const other = await walletCard((await makeProgram(m, { name: "Elsewhere" })).id, "other");
    const fn = createWalletSyncProgram(() => deps);
    const run = async (programId: string) => {
      const out = await new InngestTestEngine({
        function: fn,
        events: [{ name: "reward.changed" as const, data: { merchantId: m.merchantId, rewardId: coffee.id, programId } }],
      }).execute();
      expect(out.error).toBeUndefined();
      return out.result as { updated: number; pushed: number };
    };

    // Settle: the device has the current pass, and was pushed for it.
    expect(await run(program.id)).toMatchObject({ updated: 1 });
    const first = await fetchPass(card);
    expect(field(first.pass!, "ready")?.value).toBe("Reward 50");
    const tag = (await listSerials("rwd"))!.lastUpdated;
    apns.reset();

    // Nothing changed: no push.
    expect(await run(program.id)).toMatchObject({ updated: 1, pushed: 0 });
    expect(apns.requests).toHaveLength(0);

    // Renamed: the serial list and Last-Modified move, the device is pushed (within the same second, too).
    google.reset();
    await updateReward(m.ctx, { rewardId: coffee.id, name: "Flat white" });
    expect(await run(program.id)).toMatchObject({ updated: 1, pushed: 1 });
    expect(apns.requests.map((r) => r.path)).toEqual(["/3/device/tokenrwd"]);
    expect((await listSerials("rwd", tag))?.serialNumbers).toEqual([card.id]);
    const renamed = await fetchPass(card, first.lastModified);
    expect(renamed.status).toBe(200);
    expect(field(renamed.pass!, "ready")?.value).toBe("Flat white");
    expect(field(renamed.pass!, "catalog")?.value).toContain("Flat white: 50 points");
    // Google's object shows the next reward to reach, not this one: no PATCH needed, none sent.
    expect(google.requests.filter((r) => r.method === "PATCH")).toHaveLength(0);
    apns.reset();

    // Stock 10 → 9: the pass does not show it; nobody is pushed.
    await updateReward(m.ctx, { rewardId: coffee.id, inventory: 9 });
    expect(await run(program.id)).toMatchObject({ pushed: 0 });
    expect((await fetchPass(card, renamed.lastModified)).status).toBe(304);

    // Out of stock: no longer ready to redeem.
    await updateReward(m.ctx, { rewardId: coffee.id, inventory: 0 });
    expect(await run(program.id)).toMatchObject({ pushed: 1 });
    const soldOut = await fetchPass(card, renamed.lastModified);
    // Nothing left to redeem: the field goes (never an empty "—").
    expect(field(soldOut.pass!, "ready")).toBeUndefined();
    expect(field(soldOut.pass!, "catalog")?.value).toContain("(out of stock)");

    // Deactivated: gone from the catalog.
    apns.reset();
    await updateReward(m.ctx, { rewardId: coffee.id, inventory: null, active: false });
    expect(await run(program.id)).toMatchObject({ pushed: 1 });
    expect(field((await fetchPass(card, soldOut.lastModified)).pass!, "catalog")).toBeUndefined();
    // The other program's pass was never touched.
    expect(apns.requests.map((r) => r.path)).toEqual(["/3/device/tokenrwd"]);
    expect(await m.db.select().from(applePassStates).where(eq(applePassStates.cardId, other.id))).toHaveLength(0);
  });

  it("a location change is recorded as location.changed and reaches every pass and Google class of the merchant", async () => {
    const own = await makeMerchant();
    const saved = m;
    m = own;
    try {
      const points = await makeProgram(m, { name: "Near A" });
      const stamps = await makeProgram(m, { name: "Near B", kind: "stamps", stampsRequired: 8 });
      const a = await walletCard(points.id, "locA");
      const b = await walletCard(stamps.id, "locB");
      const fn = createWalletSyncMerchant(() => deps);
      const run = async () => {
        const out = await new InngestTestEngine({ function: fn, events: [{ name: "location.changed" as const, data: { merchantId: m.merchantId, locationId: "loc_x" } }] }).execute();
        expect(out.error).toBeUndefined();
        return out.result as { updated: number; pushed: number };
      };
      expect(await run()).toMatchObject({ updated: 2 });
      const before = await fetchPass(a);
      expect(before.pass!.locations ?? []).toHaveLength(0);
      apns.reset();
      google.reset();

      const shop = await createLocation(m.ctx, { name: "Harbor", address: "Pier 1", latitude: 52.52, longitude: 13.405 });
      const recorded = await m.db.select().from(outboxEvents).where(and(eq(outboxEvents.merchantId, m.merchantId), eq(outboxEvents.type, "location.changed")));
      expect(recorded.map((e) => e.payload)).toEqual([{ locationId: shop.id }]);

      expect(await run()).toEqual({ merchantId: m.merchantId, updated: 2, pushed: 2 });
      expect(apns.requests.map((r) => r.path).sort()).toEqual(["/3/device/tokenlocA", "/3/device/tokenlocB"]);
      const after = await fetchPass(a, before.lastModified);
      expect(after.status).toBe(200);
      expect(after.pass!.locations).toHaveLength(1);
      expect(field(after.pass!, "locations")?.value).toBe("Harbor, Pier 1");
      expect(google.requests.filter((r) => r.method === "PATCH" && r.path.startsWith("/loyaltyClass/")).map((r) => r.path).sort()).toEqual(
        [`/loyaltyClass/${deps.google!.classId(points.id)}`, `/loyaltyClass/${deps.google!.classId(stamps.id)}`].sort(),
      );
      expect(google.classes.get(deps.google!.classId(stamps.id))).toMatchObject({ locations: [{ latitude: 52.52, longitude: 13.405 }] });

      apns.reset();
      await updateLocation(m.ctx, { locationId: shop.id, location: { name: "Harbor Kiosk", address: "Pier 1", latitude: 52.52, longitude: 13.405 } });
      expect(await run()).toMatchObject({ pushed: 2 });
      expect(field((await fetchPass(b)).pass!, "locations")?.value).toBe("Harbor Kiosk, Pier 1");
    } finally {
      m = saved;
    }
  });
});

describe("Last-Modified and If-Modified-Since", () => {
  it("a change within the same second as the last fetch is never answered 304", async () => {
    const program = await makeProgram(m, { name: "Same second" });
    const card = await walletCard(program.id, "sec");
    // Fetch, change, fetch again at once, many times: each time inside the same second or not,
    // the device holding the older pass gets the new one, and a device holding the new one a 304.
    let held = await fetchPass(card);
    for (let i = 1; i <= 8; i++) {
      await earn(m.ctx, { cardId: card.id, points: 1 });
      const next = await fetchPass(card, held.lastModified);
      expect(next.status, `change ${i}`).toBe(200);
      expect(field(next.pass!, "balance")?.value).toBe(i);
      expect(Date.parse(next.lastModified)).toBeGreaterThan(Date.parse(held.lastModified));
      expect((await fetchPass(card, next.lastModified)).status).toBe(304);
      held = next;
    }
  });

  it("a new content always lands in a later whole second, and the update tag never runs ahead of the clock", async () => {
    const program = await makeProgram(m, { name: "Tags" });
    const card = await walletCard(program.id, "tag");
    const first = await observePass(m.db, card.id, "content-1");
    const second = await observePass(m.db, card.id, "content-2");
    const third = await observePass(m.db, card.id, "content-3");
    expect(Math.floor(second.modifiedAt.getTime() / 1000)).toBeGreaterThan(Math.floor(first.modifiedAt.getTime() / 1000));
    expect(Math.floor(third.modifiedAt.getTime() / 1000)).toBeGreaterThan(Math.floor(second.modifiedAt.getTime() / 1000));
    // Same content again: same time.
    expect((await observePass(m.db, card.id, "content-3")).modifiedAt.getTime()).toBe(third.modifiedAt.getTime());

    // The third content's time is seconds ahead of the clock; the tag handed out is not, so a change
    // seen before the clock gets there still shows in the next list (here: this same pass again).
    expect(third.modifiedAt.getTime()).toBeGreaterThan(Date.now());
    const listed = (await listSerials("tag"))!;
    expect(Number(BigInt(listed.lastUpdated) / 1000n)).toBeLessThanOrEqual(Date.now());
    expect((await listSerials("tag", listed.lastUpdated))?.serialNumbers).toEqual([card.id]);
  });
});
