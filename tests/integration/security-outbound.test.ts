import http from "node:http";
import type { AddressInfo } from "node:net";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { webhookAttempts, webhookDeliveries, webhookEndpoints } from "@/db/schema";
import { env } from "@/lib/env";
import { newId } from "@/lib/ids";
import { OUTBOUND_MAX_BODY_BYTES, outboundPost } from "@/lib/outbound/fetch";
import { providerFor } from "@/lib/payouts/providers";
import type { PayoutSettings } from "@/db/schema";
import { attemptDelivery } from "@/lib/webhooks/deliver";
import { createEndpoint } from "@/lib/webhooks/endpoints";
import { newWebhookSecret } from "@/lib/webhooks/sign";
import { configurePayouts } from "@/lib/payouts/runs";
import { makeMerchant, makeProgram, type TestMerchant } from "../support/fixtures";

// A receiver on loopback: what an attacker would aim a webhook at (an admin port, a metadata service).
const got: { path: string; host: string | undefined }[] = [];
let server: http.Server;
let port = 0;
beforeAll(async () => {
  // This file runs with the test switch off, as production does: loopback is refused like any private address.
  env.OUTBOUND_ALLOW_LOOPBACK = false;
  server = http.createServer((req, res) => {
    got.push({ path: req.url ?? "", host: req.headers.host });
    if (req.url === "/redirect") return res.writeHead(302, { location: "http://169.254.169.254/latest/meta-data/" }).end();
    if (req.url === "/huge") {
      res.writeHead(200, { "content-type": "text/plain" });
      const chunk = Buffer.alloc(64 * 1024, "a");
      let sent = 0;
      const pump = () => {
        while (sent < 10 * 1024 * 1024) {
          sent += chunk.length;
          if (!res.write(chunk)) return res.once("drain", pump);
        }
        res.end();
      };
      return pump();
    }
    if (req.url === "/error") return res.writeHead(500).end(`<html>\u001b[2J secret internal stack ${"detail ".repeat(500)}</html>`);
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ reference: "pay_ref_1", secret: "internal" }));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

/** An endpoint stored as if its URL had passed the input check earlier (a name that later points inside). */
async function storedDelivery(m: TestMerchant, url: string) {
  const endpointId = newId("whe");
  await m.db.insert(webhookEndpoints).values({ id: endpointId, merchantId: m.merchantId, url, events: ["card.enrolled"], secret: newWebhookSecret() });
  const deliveryId = newId("whd");
  await m.db.insert(webhookDeliveries).values({ id: deliveryId, merchantId: m.merchantId, endpointId, eventId: newId("evt"), eventType: "card.enrolled", payload: {} });
  return deliveryId;
}

describe("outbound requests cannot reach inside", () => {
  it.each([
    ["loopback", () => `http://127.0.0.1:${port}/hook`],
    ["a name resolving to loopback", () => `http://localhost:${port}/hook`],
    ["IPv4-mapped loopback", () => `http://[::ffff:127.0.0.1]:${port}/hook`],
    ["a private network", () => "http://10.0.0.7/hook"],
    ["the cloud metadata service", () => "http://169.254.169.254/latest/meta-data/"],
  ])("refuses a webhook delivery to %s and logs why", async (_label, url) => {
    const m = await makeMerchant();
    const before = got.length;
    const deliveryId = await storedDelivery(m, url());
    const result = await attemptDelivery(m.db, deliveryId);
    expect(result.delivered).toBe(false);
    expect(result.error).toMatch(/^refused/);
    expect(result.retryable).toBe(false);
    expect(got.length).toBe(before); // nothing reached the loopback receiver
    const [attempt] = await m.db.select().from(webhookAttempts).where(eq(webhookAttempts.deliveryId, deliveryId));
    expect(attempt!.error).toMatch(/^refused/);
  });

  it("refuses the payout provider's call to loopback", async () => {
    const provider = providerFor({ provider: "webhook", endpointUrl: `http://127.0.0.1:${port}/payouts`, secret: newWebhookSecret() } as PayoutSettings);
    const before = got.length;
    const outcome = await provider.pay({ payoutId: "pay_1", idempotencyKey: "k", merchantId: "m", programId: "p", cardId: "c", customerEmail: null, amount: 100, currency: "USD" });
    expect(outcome).toMatchObject({ ok: false, retryable: false, error: expect.stringMatching(/^refused/) });
    expect(got.length).toBe(before);
  });

  it("refuses a private address when the endpoint is created, with a clear message", async () => {
    const m = await makeMerchant();
    for (const url of ["https://10.0.0.1/hooks", "https://169.254.169.254/", "https://[::1]/x", "https://localhost/x"]) {
      await expect(createEndpoint(m.ctx, { url, events: ["card.enrolled"] })).rejects.toMatchObject({ issues: [expect.objectContaining({ message: expect.stringMatching(/private|reserved|public host/) })] });
    }
  });

  it("caps webhook endpoints per business", async () => {
    const m = await makeMerchant();
    for (let i = 0; i < 20; i++) await createEndpoint(m.ctx, { url: `https://hooks.example.com/${i}`, events: ["card.enrolled"] });
    await expect(createEndpoint(m.ctx, { url: "https://hooks.example.com/21", events: ["card.enrolled"] })).rejects.toMatchObject({ code: "conflict" });
  });

  it("the webhook cap holds when many endpoints are created at once", async () => {
    const m = await makeMerchant();
    for (let i = 0; i < 17; i++) await createEndpoint(m.ctx, { url: `https://hooks.example.com/${i}`, events: ["card.enrolled"] });
    const results = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => createEndpoint(m.ctx, { url: `https://hooks.example.com/x${i}`, events: ["card.enrolled"] })));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(3);
    expect(await m.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.merchantId, m.merchantId))).toHaveLength(20);
  });

  it("caps payout endpoints per business (a cashback program each); changing an existing one stays allowed", async () => {
    const m = await makeMerchant();
    const programs = [];
    for (let i = 0; i < 11; i++) programs.push(await makeProgram(m, { name: `Cash ${i}`, kind: "cashback", cashbackPercent: 5 }));
    const configure = (programId: string, path: string) => configurePayouts(m.ctx, { programId, provider: "webhook", thresholdMinor: 500, endpointUrl: `https://pay.example.com/${path}` });
    for (const p of programs.slice(0, 10)) await configure(p.id, p.id);
    await expect(configure(programs[10]!.id, "eleventh")).rejects.toMatchObject({ code: "conflict", message: expect.stringMatching(/at most 10 payout endpoints/) });
    expect(await configure(programs[0]!.id, "moved")).toMatchObject({ endpointUrl: "https://pay.example.com/moved" });
    // Paying by hand needs no URL, so it is never capped.
    expect(await configurePayouts(m.ctx, { programId: programs[10]!.id, provider: "manual", thresholdMinor: 500 })).toMatchObject({ provider: "manual" });
  });
});

describe("outboundPost with loopback allowed (the local fakes)", () => {
  const policy = { allowLoopback: true, allowHttp: true };
  const post = (path: string, extra: Partial<Parameters<typeof outboundPost>[0]> = {}) =>
    outboundPost({ url: `http://127.0.0.1:${port}${path}`, headers: { "content-type": "application/json" }, body: "{}", timeoutMs: 5000, policy, ...extra });

  it("does not follow a redirect: a 3xx is a failed attempt", async () => {
    const before = got.length;
    const outcome = await post("/redirect");
    expect(outcome).toMatchObject({ ok: false, status: 302, retryable: false });
    expect(outcome.error).toContain("redirects are not followed");
    expect(got.length).toBe(before + 1); // only the first request, no second one to the Location
  });

  it("cuts a 10 MB answer at 64 KiB", async () => {
    const outcome = await post("/huge");
    expect(outcome.ok).toBe(true);
    expect(outcome.truncated).toBe(true);
    expect(Buffer.byteLength(outcome.body ?? "")).toBe(OUTBOUND_MAX_BODY_BYTES);
  });

  it("logs only a short, sanitised excerpt of an error answer", async () => {
    const outcome = await post("/error");
    expect(outcome.status).toBe(500);
    expect(outcome.error!.length).toBeLessThanOrEqual(120);
    expect(outcome.error).not.toMatch(/[\u0000-\u001f]/);
  });

  it("connects to the address it checked and keeps the name as Host (no DNS rebinding)", async () => {
    let calls = 0;
    const resolve = async () => (++calls === 1 ? [{ address: "127.0.0.1", family: 4 }] : [{ address: "10.0.0.1", family: 4 }]);
    const outcome = await outboundPost({ url: `http://hooks.example.test:${port}/ok`, headers: {}, body: "{}", timeoutMs: 5000, policy, resolve });
    expect(outcome.ok).toBe(true);
    expect(calls).toBe(1);
    expect(got.at(-1)!.host).toBe(`hooks.example.test:${port}`);
  });

  it("refuses a name when any of its addresses is private", async () => {
    const resolve = async () => [
      { address: "93.184.216.34", family: 4 },
      { address: "10.0.0.1", family: 4 },
    ];
    const outcome = await outboundPost({ url: "https://hooks.example.test/x", headers: {}, body: "{}", timeoutMs: 5000, policy, resolve });
    expect(outcome.error).toMatch(/^refused: .* private/);
  });
});
