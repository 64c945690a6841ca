import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { InngestTestEngine } from "@inngest/test";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { appleRegistrations } from "@/db/schema";
import { loadCardView } from "@/lib/cards/view";
import { createWalletSync } from "@/jobs/wallet-sync";
import { ApnsSender } from "@/wallet/apple/apns";
import { checkAppleCredentials } from "@/wallet/apple/credentials";
import { registerDevice } from "@/wallet/apple/service";
import { generateDevWalletCerts } from "@/wallet/dev-certs";
import { PushForbiddenError, pushAppleUpdate, type WalletDeps } from "@/wallet/sync";
import { startApnsFake } from "../support/apns-fake";
import { makeCard, makeMerchant, makeProgram, type TestMerchant } from "../support/fixtures";
import { testAppleConfig, testWalletCerts } from "../support/wallet-certs";

const https = { webServiceUrl: "https://cards.example.com/api/wallet/apple" };
const DAY = 86_400_000;

describe("Apple credential checks", () => {
  // A second, unrelated set of credentials: another team's certificate under another WWDR.
  const other = generateDevWalletCerts(fs.mkdtempSync(path.join(os.tmpdir(), "keepcard-other-")), { passTypeId: "pass.com.other.cards", teamId: "OTHERTEAM1" });
  const read = (f: string) => fs.readFileSync(f, "utf8");

  it("accepts certificates that fit together", () => {
    const report = checkAppleCredentials({ ...testAppleConfig(), ...https }, { production: true });
    expect(report).toMatchObject({ status: "ok", errors: [], warnings: [] });
    expect(report.expiresAt!.getTime()).toBeGreaterThan(Date.now());
  });

  it("refuses a pass type id or team id that is not the certificate's", () => {
    const wrongType = checkAppleCredentials({ ...testAppleConfig(), ...https, passTypeId: "pass.com.keepcard.other" });
    expect(wrongType.status).toBe("error");
    expect(wrongType.errors.join()).toMatch(/pass type id pass\.com\.keepcard\.other does not match the certificate, which is for pass\.dev\.keepcard\.loyalty/);
    const wrongTeam = checkAppleCredentials({ ...testAppleConfig(), ...https, teamId: "ABCDE12345" });
    expect(wrongTeam.errors.join()).toMatch(/team id ABCDE12345 does not match the certificate, which belongs to team KEEPCARD01/);
  });

  it("refuses a signer that does not chain to the WWDR certificate supplied, and a key of another certificate", () => {
    const config = testAppleConfig();
    const chain = checkAppleCredentials({ ...config, ...https, certificates: { ...config.certificates, wwdr: read(other.wwdr) } });
    expect(chain.errors.join()).toMatch(/not issued by the WWDR certificate/);
    const key = checkAppleCredentials({ ...config, ...https, certificates: { ...config.certificates, signerKey: read(other.signerKey) } });
    expect(key.errors.join()).toMatch(/private key \(APPLE_PASS_KEY\) belongs to another certificate/);
  });

  it("warns within 30 days of expiry and refuses an expired certificate", () => {
    const config = { ...testAppleConfig(), ...https };
    const expiresAt = checkAppleCredentials(config).expiresAt!;
    const soon = checkAppleCredentials(config, { now: new Date(expiresAt.getTime() - 10 * DAY) });
    expect(soon.status).toBe("warning");
    expect(soon.warnings.join()).toMatch(/expires on \d{4}-\d\d-\d\d \(in 10 days\)/);
    expect(checkAppleCredentials(config, { now: new Date(expiresAt.getTime() - 40 * DAY) }).status).toBe("ok");
    const expired = checkAppleCredentials(config, { now: new Date(expiresAt.getTime() + DAY) });
    expect(expired.status).toBe("error");
    expect(expired.errors.join()).toMatch(/expired on/);
  });

  it("refuses an http webServiceURL in production (iOS never registers), and only warns in development", () => {
    const http = { ...testAppleConfig(), webServiceUrl: "http://cards.example.com/api/wallet/apple" };
    expect(checkAppleCredentials(http, { production: true }).errors.join()).toMatch(/not https/);
    expect(checkAppleCredentials(http, { production: false })).toMatchObject({ status: "warning", errors: [] });
  });
});

describe("APNs refusals", () => {
  let apns: Awaited<ReturnType<typeof startApnsFake>>;
  let sender: ApnsSender;
  let deps: WalletDeps;
  let m: TestMerchant;

  beforeAll(async () => {
    apns = await startApnsFake();
    const apple = testAppleConfig({ apns: { baseUrl: apns.url, ca: fs.readFileSync(testWalletCerts().files.rootCa, "utf8") } });
    sender = new ApnsSender({ baseUrl: apns.url, cert: apple.certificates.signerCert, key: apple.certificates.signerKey, ca: apple.apns.ca });
    deps = { apple: { config: apple, sender }, google: null };
    m = await makeMerchant();
  });
  afterAll(async () => {
    sender.close();
    await apns.close();
  });
  beforeEach(() => apns.reset());

  async function cardWithDevices(devices: string[]) {
    const program = await makeProgram(m);
    const card = await makeCard(m, program.id);
    const view = await loadCardView(m.db, { cardId: card.id });
    for (const d of devices) {
      await registerDevice(m.db, deps.apple!.config, {
        deviceId: `device-${d}`,
        passTypeId: deps.apple!.config.passTypeId,
        serial: card.id,
        pushToken: d,
        authorization: `ApplePass ${view!.card.walletAuthToken}`,
      });
    }
    return { card, program };
  }
  const tokens = async (cardId: string) =>
    (await m.db.select().from(appleRegistrations).where(eq(appleRegistrations.cardId, cardId))).map((r) => r.pushToken).sort();

  it("prunes registrations answered 400 BadDeviceToken, 400 DeviceTokenNotForTopic and 410 Unregistered, and keeps the others", async () => {
    const { card } = await cardWithDevices(["aa01", "aa02", "aa03", "aa04", "aa05"]);
    apns.refuse("aa01", "BadDeviceToken");
    apns.refuse("aa02", "DeviceTokenNotForTopic");
    apns.refuse("aa03", "Unregistered");
    apns.refuse("aa04", "BadPriority");
    const outcome = await pushAppleUpdate(m.db, deps, card.id);
    expect(outcome).toEqual({ sent: 1, unregistered: 3, rejected: 1 });
    expect(await tokens(card.id)).toEqual(["aa04", "aa05"]);
  });

  it("fails on a 403 with a clear reason (the job fails and retries instead of reporting success)", async () => {
    const { card, program } = await cardWithDevices(["bb01"]);
    apns.refuse("bb01", "BadCertificateEnvironment");
    const failure = await pushAppleUpdate(m.db, deps, card.id).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(PushForbiddenError);
    expect(String((failure as Error).message)).toMatch(/403 BadCertificateEnvironment: the pass certificate .* is not accepted/);
    // The device did nothing wrong: its registration stays.
    expect(await tokens(card.id)).toEqual(["bb01"]);

    const event = { name: "tier.changed" as const, data: { merchantId: m.merchantId, cardId: card.id, programId: program.id, from: null, to: "Gold" } };
    const { error } = await new InngestTestEngine({ function: createWalletSync(() => deps), events: [event] }).execute();
    expect(String((error as Error | undefined)?.message ?? error)).toMatch(/APNs refused the push with 403/);
  });
});
