import { eq } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import { GET as getCard } from "@/app/api/v1/cards/[id]/route";
import { POST as adjustRoute } from "@/app/api/v1/cards/[id]/adjust/route";
import { POST as earnRoute } from "@/app/api/v1/cards/[id]/earn/route";
import { POST as redeemRoute } from "@/app/api/v1/cards/[id]/redemptions/route";
import { GET as transactionsRoute } from "@/app/api/v1/cards/[id]/transactions/route";
import { POST as enrollRoute, GET as findCards } from "@/app/api/v1/cards/route";
import { POST as reverseRoute } from "@/app/api/v1/entries/[id]/reverse/route";
import { GET as openapiRoute } from "@/app/api/v1/openapi.json/route";
import { GET as getProgram, PATCH as patchProgram } from "@/app/api/v1/programs/[id]/route";
import { GET as listPrograms, POST as createProgram } from "@/app/api/v1/programs/route";
import { GET as listRewards, POST as createReward } from "@/app/api/v1/rewards/route";
import { POST as scanRoute } from "@/app/api/v1/scan/route";
import { POST as useVoucherRoute } from "@/app/api/v1/vouchers/redeem/route";
import { apiKeys } from "@/db/schema";
import { revokeApiKey, createApiKey, recordKeyUse } from "@/lib/api-keys/verbs";
import { countRows } from "../support/counts";
import { call, makeCard, makeMerchant, makeProgram } from "../support/fixtures";

const ENDPOINTS = [
  ["GET /programs", listPrograms, {}],
  ["POST /programs", createProgram, { body: { name: "X", kind: "points" } }],
  ["GET /programs/{id}", getProgram, { params: { id: "prg_x" } }],
  ["PATCH /programs/{id}", patchProgram, { method: "PATCH", params: { id: "prg_x" }, body: { name: "Y" } }],
  ["GET /rewards", listRewards, {}],
  ["POST /rewards", createReward, { body: { programId: "prg_x", name: "Coffee", cost: 10 } }],
  ["GET /cards", findCards, { query: { email: "a@example.test" } }],
  ["POST /cards", enrollRoute, { body: { programId: "prg_x", customer: { email: "a@example.test" } } }],
  ["GET /cards/{id}", getCard, { params: { id: "crd_x" } }],
  ["GET /cards/{id}/transactions", transactionsRoute, { params: { id: "crd_x" } }],
  ["POST /cards/{id}/earn", earnRoute, { params: { id: "crd_x" }, body: { points: 5 } }],
  ["POST /cards/{id}/adjust", adjustRoute, { params: { id: "crd_x" }, body: { amount: 5, reason: "goodwill" } }],
  ["POST /cards/{id}/redemptions", redeemRoute, { params: { id: "crd_x" }, body: { rewardId: "rwd_x" } }],
  ["POST /entries/{id}/reverse", reverseRoute, { params: { id: "ent_x" }, body: { reason: "refund" } }],
  ["POST /vouchers/redeem", useVoucherRoute, { body: { code: "ABCD-EFGH" } }],
  ["POST /scan", scanRoute, { body: { token: "kc1.abcdefgh.ijkl" } }],
] as const;

describe("API authentication", () => {
  for (const [name, handler, opts] of ENDPOINTS) {
    it(`${name} answers 401 without a key, with a bad key and with a revoked key`, async () => {
      const m = await makeMerchant();
      const { apiKey, key } = await createApiKey(m.ctx, { name: "to revoke" });
      await revokeApiKey(m.ctx, apiKey.id);
      for (const presented of [null, "kc_live_notARealKeyAtAll000000000000000", key]) {
        const res = await call(handler as Parameters<typeof call>[0], { ...opts, key: presented });
        expect(res.status, `${name} with ${presented ? "a bad key" : "no key"}`).toBe(401);
        expect(res.headers.get("content-type")).toBe("application/problem+json");
        expect(res.headers.get("www-authenticate")).toMatch(/^Bearer/);
        expect(res.body).toMatchObject({ status: 401, code: "unauthorized", title: "Unauthorized" });
      }
    });
  }

  it("refuses other schemes and malformed headers, and writes nothing", async () => {
    const m = await makeMerchant();
    const program = await makeProgram(m);
    const card = await makeCard(m, program.id);
    const before = await countRows(m.db, m.merchantId);
    for (const authorization of [`Basic ${Buffer.from("user:pass").toString("base64")}`, `Bearer`, `Bearer    `, m.apiKey, `Token ${m.apiKey}`]) {
      const request = new Request(`http://localhost/api/v1/cards/${card.id}/earn`, {
        method: "POST",
        headers: { authorization, "content-type": "application/json" },
        body: JSON.stringify({ points: 5 }),
      });
      const res = await earnRoute(request, { params: Promise.resolve({ id: card.id }) });
      expect(res.status, authorization).toBe(401);
    }
    expect(await countRows(m.db, m.merchantId)).toEqual(before);
  });

  it("accepts a valid key, case-insensitive scheme, and a new key works beside an old one", async () => {
    const m = await makeMerchant();
    expect((await call(listPrograms, { key: m.apiKey })).status).toBe(200);
    const request = new Request("http://localhost/api/v1/programs", { headers: { authorization: `bearer ${m.apiKey}` } });
    expect((await listPrograms(request)).status).toBe(200);
    const second = await createApiKey(m.ctx, { name: "second" });
    expect((await call(listPrograms, { key: second.key })).status).toBe(200);
    expect((await call(listPrograms, { key: m.apiKey })).status).toBe(200);
  });

  it("a key in use stops working as soon as it is revoked", async () => {
    const m = await makeMerchant();
    const { apiKey, key } = await createApiKey(m.ctx, { name: "short-lived" });
    expect((await call(listPrograms, { key })).status).toBe(200);
    await revokeApiKey(m.ctx, apiKey.id);
    expect((await call(listPrograms, { key })).status).toBe(401);
    expect((await call(listPrograms, { key: m.apiKey })).status).toBe(200);
  });

  it("records when a key was last used, for the dashboard, at most once a minute", async () => {
    const m = await makeMerchant();
    const lastUsed = async (id: string) => (await m.db.select({ at: apiKeys.lastUsedAt }).from(apiKeys).where(eq(apiKeys.id, id)))[0]!.at;
    const used = await createApiKey(m.ctx, { name: "used" });
    expect(await lastUsed(used.apiKey.id)).toBeNull();
    expect((await call(listPrograms, { key: used.key })).status).toBe(200);
    await vi.waitFor(async () => expect(await lastUsed(used.apiKey.id)).not.toBeNull());

    const { apiKey } = await createApiKey(m.ctx, { name: "timed" });
    const at = (seconds: number) => new Date(Date.UTC(2031, 0, 1, 9, 0, seconds));
    await recordKeyUse(m.db, apiKey.id, at(0));
    await recordKeyUse(m.db, apiKey.id, at(59));
    expect(await lastUsed(apiKey.id)).toEqual(at(0));
    await recordKeyUse(m.db, apiKey.id, at(60));
    expect(await lastUsed(apiKey.id)).toEqual(at(60));
  });

  it("the OpenAPI document needs no key", async () => {
    const res = await openapiRoute();
    expect(res.status).toBe(200);
    expect((await res.json()).openapi).toBe("3.1.0");
  });
});
