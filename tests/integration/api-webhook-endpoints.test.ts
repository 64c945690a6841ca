import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { GET as listRoute, POST as createRoute } from "@/app/api/v1/webhook-endpoints/route";
import { DELETE as deleteRoute, GET as getRoute, PATCH as patchRoute } from "@/app/api/v1/webhook-endpoints/[id]/route";
import { POST as rotateRoute } from "@/app/api/v1/webhook-endpoints/[id]/rotate-secret/route";
import { auditLog, webhookEndpoints } from "@/db/schema";
import { createApiKey } from "@/lib/api-keys/verbs";
import { env } from "@/lib/env";
import { signingSecrets } from "@/lib/webhooks/deliver";
import { call, makeMerchant } from "../support/fixtures";

const hook = (path = "orders") => ({ url: `https://hooks.example.test/${path}`, description: "Our shop", events: ["card.balance_changed", "voucher.redeemed"] });

describe("webhook endpoints through the API", () => {
  it("an integrator registers, reads, pauses, rotates and deletes its endpoint; the secret is shown only when made", async () => {
    const m = await makeMerchant();
    const created = await call(createRoute, { key: m.apiKey, body: hook() });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ url: "https://hooks.example.test/orders", events: ["card.balance_changed", "voucher.redeemed"], active: true });
    expect(created.body.secret).toMatch(/^whsec_/);
    const id = created.body.id as string;

    const listed = await call(listRoute, { key: m.apiKey });
    expect(listed.body.data.map((e: { id: string }) => e.id)).toEqual([id]);
    expect(JSON.stringify(listed.body)).not.toContain(created.body.secret);
    const one = await call(getRoute, { key: m.apiKey, params: { id } });
    expect(one.body).toMatchObject({ id, active: true });
    expect(one.body.secret).toBeUndefined();

    const paused = await call(patchRoute, { key: m.apiKey, method: "PATCH", params: { id }, body: { active: false } });
    expect([paused.status, paused.body.active]).toEqual([200, false]);

    const rotated = await call(rotateRoute, { key: m.apiKey, method: "POST", params: { id } });
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(created.body.secret);
    const hours = (Date.parse(rotated.body.previousSecretValidUntil) - Date.now()) / 3_600_000;
    expect(hours).toBeGreaterThan(23.9);
    // Deliveries are signed with both secrets until then, so the receiver can switch without a gap.
    const [row] = await m.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, id));
    expect(signingSecrets(row!)).toEqual([rotated.body.secret, created.body.secret]);

    const deleted = await call(deleteRoute, { key: m.apiKey, method: "DELETE", params: { id } });
    expect(deleted.body).toEqual({ id, deleted: true });
    expect((await call(getRoute, { key: m.apiKey, params: { id } })).status).toBe(404);
    const trail = await m.db.select({ action: auditLog.action }).from(auditLog).where(and(eq(auditLog.merchantId, m.merchantId), eq(auditLog.targetId, id)));
    expect(trail.map((t) => t.action).sort()).toEqual(["webhook.created", "webhook.deleted", "webhook.disabled", "webhook.secret_rotated"]);
  });

  it("another business's key cannot see, pause, rotate or delete an endpoint: 404, and nothing changes", async () => {
    const m = await makeMerchant();
    const other = await makeMerchant();
    const { body: mine } = await call(createRoute, { key: m.apiKey, body: hook() });
    const [before] = await m.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, mine.id));
    const params = { id: mine.id as string };
    expect((await call(getRoute, { key: other.apiKey, params })).status).toBe(404);
    expect((await call(patchRoute, { key: other.apiKey, method: "PATCH", params, body: { active: false } })).status).toBe(404);
    expect((await call(rotateRoute, { key: other.apiKey, method: "POST", params })).status).toBe(404);
    expect((await call(deleteRoute, { key: other.apiKey, method: "DELETE", params })).status).toBe(404);
    expect((await call(listRoute, { key: other.apiKey })).body.data).toEqual([]);
    const [after] = await m.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, mine.id));
    expect(after).toEqual(before);
  });

  it("refuses addresses inside the network, unknown events and a key without the manage scope", async () => {
    const m = await makeMerchant();
    for (const url of ["https://169.254.169.254/latest/meta-data", "https://10.0.0.7/hook", "https://[::ffff:127.0.0.1]/x", "ftp://hooks.example.test/x"]) {
      const res = await call(createRoute, { key: m.apiKey, body: { ...hook(), url } });
      expect(res.status, url).toBe(422);
    }
    expect((await call(createRoute, { key: m.apiKey, body: { ...hook(), events: ["card.exploded"] } })).status).toBe(422);
    const { key: till } = await createApiKey(m.ctx, { name: "till", scopes: ["earn", "read"] });
    const refused = await call(createRoute, { key: till, body: hook() });
    expect([refused.status, refused.body.detail]).toEqual([403, 'This API key lacks the "manage" scope.']);
    expect((await call(listRoute, { key: till })).status).toBe(403);
    expect(await m.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.merchantId, m.merchantId))).toEqual([]);
  });

  it(`holds the cap of ${env.WEBHOOK_ENDPOINTS_MAX} endpoints per business with a 409`, async () => {
    const m = await makeMerchant();
    for (let i = 0; i < env.WEBHOOK_ENDPOINTS_MAX; i++) expect((await call(createRoute, { key: m.apiKey, body: hook(`n${i}`) })).status).toBe(201);
    const over = await call(createRoute, { key: m.apiKey, body: hook("one-too-many") });
    expect(over.status).toBe(409);
    expect(over.body.detail).toMatch(/at most/);
  });
});
