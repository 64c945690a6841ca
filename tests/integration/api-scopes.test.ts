import "./dashboard-helpers";
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { operationsOf } from "@/app/api/_http/openapi";
import { requiredScope } from "@/app/api/_http/route";
import { API_ROUTES } from "@/app/api/v1/_registry";
import { POST as earnRoute } from "@/app/api/v1/cards/[id]/earn/route";
import { POST as redeemRoute } from "@/app/api/v1/cards/[id]/redemptions/route";
import { GET as openapiRoute } from "@/app/api/v1/openapi.json/route";
import { POST as useVoucherRoute } from "@/app/api/v1/vouchers/redeem/route";
import { createApiKeyAction } from "@/app/dashboard/api-keys/actions";
import { apiKeys, ledgerEntries, vouchers } from "@/db/schema";
import { API_SCOPES, type ApiScope } from "@/lib/api-keys/scopes";
import { createApiKey } from "@/lib/api-keys/verbs";
import { newId } from "@/lib/ids";
import { createLocation, deleteLocation } from "@/lib/locations/verbs";
import { countRows } from "../support/counts";
import { call, makeCard, makeMerchant, makeProgram, makeReward, makeUser, type TestMerchant } from "../support/fixtures";
import { actAs } from "./dashboard-helpers";

// The scope each operation needs. Pinned here so that a change is deliberate, and complete: a new
// route without a line below fails the first test.
const EXPECTED: Record<string, ApiScope> = {
  "GET /programs": "read",
  "POST /programs": "manage",
  "GET /programs/{id}": "read",
  "PATCH /programs/{id}": "manage",
  "GET /programs/{id}/automations": "read",
  "PUT /programs/{id}/automations": "manage",
  "GET /rewards": "read",
  "POST /rewards": "manage",
  "PATCH /rewards/{id}": "manage",
  "GET /cards": "read",
  "POST /cards": "earn",
  "GET /cards/{id}": "read",
  "DELETE /cards/{id}": "manage",
  "GET /customers/{id}": "read",
  "PATCH /customers/{id}": "manage",
  "GET /cards/{id}/transactions": "read",
  "POST /cards/{id}/earn": "earn",
  "POST /cards/{id}/adjust": "manage",
  "POST /cards/{id}/redemptions": "redeem",
  "POST /entries/{id}/reverse": "manage",
  "POST /vouchers/redeem": "redeem",
  "GET /vouchers": "read",
  "POST /vouchers": "manage",
  "POST /vouchers/{id}/void": "manage",
  "POST /scan": "read",
  "GET /webhook-endpoints": "manage",
  "POST /webhook-endpoints": "manage",
  "GET /webhook-endpoints/{id}": "manage",
  "PATCH /webhook-endpoints/{id}": "manage",
  "DELETE /webhook-endpoints/{id}": "manage",
  "POST /webhook-endpoints/{id}/rotate-secret": "manage",
  "GET /segments": "read",
  "POST /segments": "manage",
  "GET /segments/{id}": "read",
  "PATCH /segments/{id}": "manage",
  "DELETE /segments/{id}": "manage",
  "POST /segments/preview": "read",
  "GET /campaigns": "read",
  "POST /campaigns": "manage",
  "GET /campaigns/{id}": "read",
  "PATCH /campaigns/{id}": "manage",
  "GET /campaigns/{id}/results": "read",
  "POST /campaigns/{id}/cancel": "manage",
  "POST /campaigns/{id}/duplicate": "manage",
  "POST /campaigns/{id}/start": "manage",
  "POST /tags/import": "manage",
  "GET /goals": "read",
  "POST /goals": "manage",
  "GET /goals/{id}": "read",
  "GET /reports/{name}": "read",
};

const OPERATIONS = API_ROUTES.flatMap(operationsOf).map((op) => ({ ...op, name: `${op.method} ${op.path}` }));
type Handler = Parameters<typeof call>[0];
const handlerOf = (op: (typeof OPERATIONS)[number]) => (API_ROUTES.find((r) => r.path === op.path)!.module as Record<string, Handler>)[op.method]!;

describe("API key scopes", () => {
  it("every operation in the registry declares its scope; writes explicitly", () => {
    expect(OPERATIONS.length).toBeGreaterThan(10);
    for (const op of OPERATIONS) {
      if (op.method !== "GET" && op.method !== "HEAD") expect(op.contract.scope, `${op.name} must declare scope in its contract`).toBeDefined();
      expect(requiredScope(op.contract, op.method), op.name).toBe(EXPECTED[op.name]);
    }
    expect(OPERATIONS.map((op) => op.name).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it("a write without a declared scope needs manage; a GET without one needs read", () => {
    expect(requiredScope({}, "POST")).toBe("manage");
    expect(requiredScope({}, "DELETE")).toBe("manage");
    expect(requiredScope({}, "GET")).toBe("read");
  });

  // The permission matrix: every v1 operation × every scope, with a key holding only that scope.
  it("every operation × scope: 403 naming the missing scope, or past the scope check", async () => {
    const m = await makeMerchant();
    const keys = Object.fromEntries(await Promise.all(API_SCOPES.map(async (s) => [s, (await createApiKey(m.ctx, { name: s, scopes: [s] })).key] as const)));
    const before = await countRows(m.db, m.merchantId);
    for (const op of OPERATIONS) {
      const params = Object.fromEntries([...op.path.matchAll(/\{(\w+)\}/g)].map((p) => [p[1], "zzz_missing"]));
      for (const scope of API_SCOPES) {
        const res = await call(handlerOf(op), { key: keys[scope], method: op.method, params, ...(op.method === "GET" ? {} : { rawBody: "" }) });
        const needed = EXPECTED[op.name]!;
        if (scope === needed) {
          expect([401, 403], `${op.name} with ${scope}`).not.toContain(res.status);
        } else {
          expect(res.status, `${op.name} with ${scope}`).toBe(403);
          expect(res.headers.get("content-type")).toBe("application/problem+json");
          expect(res.body).toMatchObject({ status: 403, code: "forbidden", title: "Forbidden", detail: `This API key lacks the "${needed}" scope.` });
        }
        expect(res.headers.get("ratelimit-policy"), op.name).toMatch(/^"default";q=\d+;w=60$/);
      }
    }
    // Refused requests write nothing.
    expect(await countRows(m.db, m.merchantId)).toEqual(before);
  });

  it("a key with several scopes may do each of them; keys made before scopes have them all", async () => {
    const m = await makeMerchant();
    const program = await makeProgram(m);
    const card = await makeCard(m, program.id);
    const { key } = await createApiKey(m.ctx, { name: "till", scopes: ["earn", "read"] });
    expect((await call(earnRoute, { key, params: { id: card.id }, body: { points: 5 } })).status).toBe(201);
    const reward = await makeReward(m, program.id, 1);
    expect((await call(redeemRoute, { key, params: { id: card.id }, body: { rewardId: reward.id } })).status).toBe(403);

    // What the migration's column default gives a row written without scopes.
    const id = newId("key");
    await m.db.insert(apiKeys).values({ id, merchantId: m.merchantId, name: "old", prefix: "kc_live_old0", hash: `old-${id}` });
    const [old] = await m.db.select().from(apiKeys).where(eq(apiKeys.id, id));
    expect(old!.scopes).toEqual(["read", "earn", "redeem", "manage"]);
    expect(old!.locationId).toBeNull();
    // And a key created without naming scopes gets them all.
    const [fresh] = await m.db.select().from(apiKeys).where(and(eq(apiKeys.merchantId, m.merchantId), eq(apiKeys.name, "test")));
    expect(fresh!.scopes).toEqual([...API_SCOPES]);
  });

  it("refuses a key with no scope, an unknown scope, or another merchant's location", async () => {
    const m = await makeMerchant();
    const other = await makeMerchant();
    const theirs = await createLocation(other.ctx, { name: "Theirs", latitude: null, longitude: null });
    await expect(createApiKey(m.ctx, { name: "none", scopes: [] })).rejects.toThrow(/at least one scope/);
    await expect(createApiKey(m.ctx, { name: "bad", scopes: ["admin" as ApiScope] })).rejects.toThrow();
    await expect(createApiKey(m.ctx, { name: "far", locationId: theirs.id })).rejects.toThrow(/Location not found/);
  });

  it("the OpenAPI document names each operation's scope", async () => {
    const doc = (await (await openapiRoute()).json()) as { paths: Record<string, Record<string, { security: unknown; "x-keepcard-scope": string; responses: Record<string, unknown> }>> };
    for (const [name, scope] of Object.entries(EXPECTED)) {
      const [method, path] = name.split(" ") as [string, string];
      const op = doc.paths[path]![method.toLowerCase()]!;
      expect(op["x-keepcard-scope"], name).toBe(scope);
      expect(op.security, name).toEqual([{ bearer: [scope] }]);
      expect(op.responses["403"], name).toBeDefined();
    }
  });
});

async function till(m: TestMerchant) {
  const here = await createLocation(m.ctx, { name: "High Street", latitude: null, longitude: null });
  const there = await createLocation(m.ctx, { name: "Station", latitude: null, longitude: null });
  const { key, apiKey } = await createApiKey(m.ctx, { name: "High Street till", scopes: ["earn", "redeem"], locationId: here.id });
  return { here, there, key, apiKey };
}

describe("API keys bound to a location", () => {
  it("earn: the bound location when none is given, 403 for another, fine for its own", async () => {
    const m = await makeMerchant();
    const program = await makeProgram(m);
    const card = await makeCard(m, program.id);
    const { here, there, key } = await till(m);

    const given = await call(earnRoute, { key, params: { id: card.id }, body: { points: 5 } });
    expect(given.status).toBe(201);
    const [entry] = await m.db.select().from(ledgerEntries).where(eq(ledgerEntries.id, given.body.entry.id));
    expect(entry!.locationId).toBe(here.id);

    const before = await countRows(m.db, m.merchantId);
    const elsewhere = await call(earnRoute, { key, params: { id: card.id }, body: { points: 5, locationId: there.id } });
    expect(elsewhere.status).toBe(403);
    expect(elsewhere.body).toMatchObject({ code: "forbidden", detail: expect.stringContaining(`bound to location ${here.id}`) });
    expect(await countRows(m.db, m.merchantId)).toEqual(before);

    expect((await call(earnRoute, { key, params: { id: card.id }, body: { points: 5, locationId: here.id } })).status).toBe(201);
    // An unbound key earns wherever it says.
    const anywhere = await call(earnRoute, { key: m.apiKey, params: { id: card.id }, body: { points: 5, locationId: there.id } });
    expect(anywhere.status).toBe(201);
    const [far] = await m.db.select().from(ledgerEntries).where(eq(ledgerEntries.id, anywhere.body.entry.id));
    expect(far!.locationId).toBe(there.id);
  });

  it("redeem: a reward's debit and a used voucher record the bound location; another location is 403", async () => {
    const m = await makeMerchant();
    const program = await makeProgram(m);
    const card = await makeCard(m, program.id);
    const reward = await makeReward(m, program.id, 10);
    const { here, there, key } = await till(m);
    expect((await call(earnRoute, { key, params: { id: card.id }, body: { points: 50 } })).status).toBe(201);

    const redeemed = await call(redeemRoute, { key, params: { id: card.id }, body: { rewardId: reward.id } });
    expect(redeemed.status).toBe(201);
    const [debit] = await m.db.select().from(ledgerEntries).where(eq(ledgerEntries.id, redeemed.body.entry.id));
    expect(debit!.locationId).toBe(here.id);

    const code = redeemed.body.voucher.code as string;
    const refused = await call(useVoucherRoute, { key, body: { code, locationId: there.id } });
    expect(refused.status).toBe(403);
    const [still] = await m.db.select().from(vouchers).where(eq(vouchers.code, code));
    expect(still!.status).toBe("issued");

    expect((await call(useVoucherRoute, { key, body: { code } })).status).toBe(200);
    const [used] = await m.db.select().from(vouchers).where(eq(vouchers.code, code));
    expect(used!.redeemedLocationId).toBe(here.id);
  });

  it("a location with a live key bound to it cannot be deleted", async () => {
    const m = await makeMerchant();
    const { here, there } = await till(m);
    await expect(deleteLocation(m.ctx, { locationId: here.id })).rejects.toThrow(/API key/);
    await deleteLocation(m.ctx, { locationId: there.id });
  });
});

describe("API keys page action", () => {
  it("creates a key with the checked scopes and location, and refuses staff", async () => {
    const m = await makeMerchant();
    const here = await createLocation(m.ctx, { name: "High Street", latitude: null, longitude: null });
    const owner = await makeUser(m, "owner");
    await actAs(m.db, owner, m.merchantId);
    const made = await createApiKeyAction({ name: "Till", scopes: ["redeem", "earn"], locationId: here.id });
    expect(made).toMatchObject({ ok: true, data: { name: "Till", scopes: ["earn", "redeem"], locationId: here.id } });
    const key = (made as { data: { key: string } }).data.key;
    const [row] = await m.db.select().from(apiKeys).where(eq(apiKeys.name, "Till"));
    expect(row).toMatchObject({ merchantId: m.merchantId, scopes: ["earn", "redeem"], locationId: here.id });
    // The new key works for what it was given and no more.
    expect((await call(earnRoute, { key, params: { id: "crd_missing" }, body: { points: 1 } })).status).toBe(404);
    const program = await makeProgram(m);
    const { GET } = await import("@/app/api/v1/programs/[id]/route");
    expect((await call(GET, { key, params: { id: program.id } })).status).toBe(403);

    expect(await createApiKeyAction({ name: "Empty", scopes: [], locationId: "" })).toMatchObject({ ok: false });

    const staff = await makeUser(m, "staff");
    await actAs(m.db, staff, m.merchantId);
    expect(await createApiKeyAction({ name: "Sneaky", scopes: ["manage"], locationId: "" })).toMatchObject({ ok: false });
  });
});
