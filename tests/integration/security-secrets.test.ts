import { randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { and, eq } from "drizzle-orm";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authConfig } from "@/auth";
import { accounts, auditLog, emails, payoutSettings, users, webhookDeliveries, webhookEndpoints } from "@/db/schema";
import { rotateStoredSecrets } from "@/lib/crypto/rotate";
import { decryptSecret, isEncrypted, keyRing, resetKeyRing } from "@/lib/crypto/secrets";
import { expireStoredEmails, sendEmail } from "@/lib/email";
import { env } from "@/lib/env";
import { newId } from "@/lib/ids";
import { providerFor } from "@/lib/payouts/providers";
import { configurePayouts, rotatePayoutSecret } from "@/lib/payouts/runs";
import { inviteMember } from "@/lib/team/verbs";
import { attemptDelivery } from "@/lib/webhooks/deliver";
import { createEndpoint, rotateEndpointSecret } from "@/lib/webhooks/endpoints";
import { makeMerchant, makeProgram, makeUser } from "../support/fixtures";

// A receiver that checks Standard Webhooks signatures with the secret the merchant was shown.
const receiver = { secret: "", verified: 0, rejected: 0 };
let server: http.Server;
let url = "";
beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      try {
        new Webhook(receiver.secret).verify(body, req.headers as Record<string, string>);
        receiver.verified++;
        res.writeHead(200, { "content-type": "application/json" }).end("{}");
      } catch {
        receiver.rejected++;
        res.writeHead(401).end();
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const pay = (p: ReturnType<typeof providerFor>) =>
  p.pay({ payoutId: newId("pay"), idempotencyKey: newId("pay"), merchantId: "m", programId: "p", cardId: "c", customerEmail: null, amount: 100, currency: "USD" });

describe("secrets at rest", () => {
  it("stores a webhook secret encrypted, shows it once, signs with it and rotates it", async () => {
    const m = await makeMerchant();
    const endpoint = await createEndpoint(m.ctx, { url, events: ["card.enrolled"] });
    expect(endpoint.secret).toMatch(/^whsec_/);
    const [row] = await m.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, endpoint.id));
    expect(isEncrypted(row!.secret)).toBe(true);
    expect(row!.secret).not.toContain(endpoint.secret.slice(6));

    const deliveryId = newId("whd");
    await m.db.insert(webhookDeliveries).values({ id: deliveryId, merchantId: m.merchantId, endpointId: endpoint.id, eventId: newId("evt"), eventType: "card.enrolled", payload: {} });
    receiver.secret = endpoint.secret;
    expect((await attemptDelivery(m.db, deliveryId)).delivered).toBe(true);

    const { secret, previousValidUntil } = await rotateEndpointSecret(m.ctx, endpoint.id);
    expect(secret).not.toBe(endpoint.secret);
    expect(previousValidUntil.getTime() - Date.now()).toBeGreaterThan(23 * 3_600_000);
    const [rotated] = await m.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, endpoint.id));
    expect(isEncrypted(rotated!.previousSecret!)).toBe(true);
    const deliver = async () => {
      const id = newId("whd");
      await m.db.insert(webhookDeliveries).values({ id, merchantId: m.merchantId, endpointId: endpoint.id, eventId: newId("evt"), eventType: "card.enrolled", payload: {} });
      return (await attemptDelivery(m.db, id)).delivered;
    };
    // During the grace period each request carries both signatures: either secret verifies.
    expect(await deliver()).toBe(true); // receiver still on the old secret
    receiver.secret = secret;
    expect(await deliver()).toBe(true);
    // After the grace period only the new secret signs.
    await m.db.update(webhookEndpoints).set({ previousSecretUntil: new Date(Date.now() - 1000) }).where(eq(webhookEndpoints.id, endpoint.id));
    expect(await deliver()).toBe(true);
    receiver.secret = endpoint.secret;
    expect(await deliver()).toBe(false);
    // A second rotation replaces the grace secret: the first secret is gone for good.
    const third = await rotateEndpointSecret(m.ctx, endpoint.id);
    expect(await deliver()).toBe(false);
    receiver.secret = third.secret;
    expect(await deliver()).toBe(true);
    const [audited] = await m.db.select().from(auditLog).where(and(eq(auditLog.merchantId, m.merchantId), eq(auditLog.action, "webhook.secret_rotated")));
    expect(audited).toMatchObject({ targetId: endpoint.id });
    const marketer = await makeUser(m, "marketer");
    await expect(rotateEndpointSecret({ ...m.ctx, actor: marketer }, endpoint.id)).rejects.toMatchObject({ code: "forbidden" });
  });

  it("shows the payout signing secret once, stores it encrypted, and rotates it", async () => {
    const m = await makeMerchant();
    const program = await makeProgram(m, { name: "Cash", kind: "cashback", cashbackPercent: 5 });
    const first = await configurePayouts(m.ctx, { programId: program.id, provider: "webhook", thresholdMinor: 500, endpointUrl: url });
    expect(first.newSecret).toMatch(/^whsec_/);
    expect(isEncrypted(first.secret!)).toBe(true);
    const second = await configurePayouts(m.ctx, { programId: program.id, provider: "webhook", thresholdMinor: 700, endpointUrl: url });
    expect(second.newSecret).toBeNull(); // shown once
    expect(second.secret).toBe(first.secret);

    receiver.secret = first.newSecret!;
    const load = async () => (await m.db.select().from(payoutSettings).where(eq(payoutSettings.programId, program.id)))[0]!;
    expect(await pay(providerFor(await load()))).toMatchObject({ ok: true });

    const { secret } = await rotatePayoutSecret(m.ctx, program.id);
    expect(await pay(providerFor(await load()))).toMatchObject({ ok: false });
    receiver.secret = secret;
    expect(await pay(providerFor(await load()))).toMatchObject({ ok: true });
  });

  it("reads legacy plain rows, and `secrets rotate` encrypts them and moves old keys to the current one", async () => {
    const m = await makeMerchant();
    const endpointId = newId("whe");
    await m.db.insert(webhookEndpoints).values({ id: endpointId, merchantId: m.merchantId, url, events: ["card.enrolled"], secret: "whsec_bGVnYWN5bGVnYWN5bGVnYWN5bGVnYWN5", previousSecret: "whsec_b2xkb2xkb2xkb2xkb2xkb2xkb2xkb2xk" });
    const deliveryId = newId("whd");
    await m.db.insert(webhookDeliveries).values({ id: deliveryId, merchantId: m.merchantId, endpointId, eventId: newId("evt"), eventType: "card.enrolled", payload: {} });
    receiver.secret = "whsec_bGVnYWN5bGVnYWN5bGVnYWN5bGVnYWN5";
    expect((await attemptDelivery(m.db, deliveryId)).delivered).toBe(true);

    const saved = { key: env.ENCRYPTION_KEY, keys: env.ENCRYPTION_KEYS };
    // Other tests' rows are under the key this run started with: keep it readable throughout.
    const start = keyRing().current;
    const startSpec = `${start.id}:${start.key.toString("base64")}`;
    try {
      env.ENCRYPTION_KEYS = startSpec;
      env.ENCRYPTION_KEY = `old:${randomBytes(32).toString("base64")}`;
      resetKeyRing();
      await rotateStoredSecrets(m.db, { merchantId: m.merchantId });
      const underOld = (await m.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, endpointId)))[0]!.secret;
      expect(underOld).toMatch(/^v1:old:/);

      env.ENCRYPTION_KEYS = `${env.ENCRYPTION_KEY},${startSpec}`;
      env.ENCRYPTION_KEY = `new:${randomBytes(32).toString("base64")}`;
      resetKeyRing();
      expect(decryptSecret(underOld)).toBe(receiver.secret); // old key still readable
      const report = await rotateStoredSecrets(m.db, { merchantId: m.merchantId });
      expect(report.webhookEndpoints).toBeGreaterThanOrEqual(1);
      const [rowNew] = await m.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, endpointId));
      const underNew = rowNew!.secret;
      expect(underNew).toMatch(/^v1:new:/);
      expect(rowNew!.previousSecret).toMatch(/^v1:new:/); // the secret kept for a rotation's grace period too
      expect(decryptSecret(rowNew!.previousSecret!)).toBe("whsec_b2xkb2xkb2xkb2xkb2xkb2xkb2xkb2xk");
      env.ENCRYPTION_KEYS = startSpec;
      resetKeyRing();
      expect(decryptSecret(underNew)).toBe(receiver.secret);
    } finally {
      // Back under the starting key, for the tests that run after this one on the same database.
      const used = [env.ENCRYPTION_KEY, env.ENCRYPTION_KEYS].filter(Boolean).join(",");
      env.ENCRYPTION_KEY = startSpec;
      env.ENCRYPTION_KEYS = used;
      resetKeyRing();
      await rotateStoredSecrets(m.db, { merchantId: m.merchantId });
      env.ENCRYPTION_KEY = saved.key;
      env.ENCRYPTION_KEYS = saved.keys;
      resetKeyRing();
    }
  });

  it("stores OAuth tokens from the Auth.js adapter encrypted", async () => {
    const m = await makeMerchant();
    const [user] = await m.db.insert(users).values({ email: `g-${Date.now()}@example.test` }).returning();
    const providerAccountId = newId("key");
    await authConfig.adapter.linkAccount!({ userId: user!.id, type: "oidc", provider: "google", providerAccountId, access_token: "ya29.access", refresh_token: "1//refresh", id_token: "eyJ.id.token", token_type: "bearer" });
    const [row] = await m.db.select().from(accounts).where(and(eq(accounts.provider, "google"), eq(accounts.providerAccountId, providerAccountId)));
    for (const t of [row!.access_token, row!.refresh_token, row!.id_token]) expect(isEncrypted(t!)).toBe(true);
    expect(decryptSecret(row!.access_token!)).toBe("ya29.access");
  });
});

describe("stored emails", () => {
  it("keeps sign-in and invitation emails without their link", async () => {
    const m = await makeMerchant();
    const owner = await makeUser(m, "owner");
    const to = `invitee-${Date.now()}@example.test`;
    const { link } = await inviteMember({ ...m.ctx, actor: owner }, { email: to, role: "staff" });
    const [sent] = await m.db.select().from(emails).where(eq(emails.to, to));
    const token = new URL(link).searchParams.get("invite")!;
    expect(sent!.text).not.toContain(token);
    expect(sent!.html).not.toContain(token);
    expect(sent!.text).toContain("[link removed]");
  });

  it("deletes other emails after the retention period", async () => {
    const m = await makeMerchant();
    const to = `old-${Date.now()}@example.test`;
    const { email } = await sendEmail(m.db, { to, subject: "Old", text: "old", html: "<p>old</p>", kind: "expiry_reminder", merchantId: m.merchantId });
    await sendEmail(m.db, { to, subject: "New", text: "new", html: "<p>new</p>", kind: "expiry_reminder", merchantId: m.merchantId });
    await m.db.update(emails).set({ createdAt: new Date(Date.now() - (env.EMAIL_RETENTION_DAYS + 1) * 86_400_000) }).where(eq(emails.id, email.id));
    expect(await expireStoredEmails(m.db)).toBeGreaterThanOrEqual(1);
    expect((await m.db.select().from(emails).where(eq(emails.to, to))).map((e) => e.subject)).toEqual(["New"]);
  });
});
