import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { API_ROUTES } from "@/app/api/v1/_registry";
import { createKeepcardClient, type KeepcardClient } from "@/client";
import { CLIENT_SCHEMA_FILE, clientSchemaSource } from "@/scripts/api-client";
import { makeMerchant } from "../support/fixtures";

type RouteHandler = (req: Request, ctx: { params: Promise<Record<string, string> | undefined> }) => Promise<Response>;

/**
 * The app's /api/v1 routes as a fetch: the request's path is matched against the route files the way
 * Next matches them, and the handler gets `params` as `next start` passes them (undefined for a route
 * without path segments). The typed client runs over it exactly as it runs over HTTP; tests/e2e/api.spec.ts
 * drives it against the production server too.
 */
function routesAsFetch(): typeof fetch {
  const table = API_ROUTES.map(({ path, module }) => {
    const names = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
    const pattern = new RegExp(`^/api/v1${path.replace(/\{\w+\}/g, "([^/]+)")}$`);
    return { names, pattern, module: module as Record<string, RouteHandler | undefined> };
  });
  return async (input, init) => {
    const request = new Request(input, init);
    const { pathname } = new URL(request.url);
    for (const { names, pattern, module } of table) {
      const match = pattern.exec(pathname);
      if (!match) continue;
      const handler = module[request.method];
      if (!handler) return new Response(null, { status: 405 });
      const params = names.length ? Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(match[i + 1]!)])) : undefined;
      return handler(request, { params: Promise.resolve(params) });
    }
    return new Response(null, { status: 404 });
  };
}

function client(apiKey: string): KeepcardClient {
  return createKeepcardClient({ baseUrl: "http://localhost:3000/", apiKey, fetch: routesAsFetch() });
}

describe("the typed API client (client/)", () => {
  it("client/schema.ts is generated from the current route contracts", async () => {
    const fresh = await clientSchemaSource();
    expect(readFileSync(CLIENT_SCHEMA_FILE, "utf8") === fresh, "client/schema.ts is stale: run `npm run api:client`").toBe(true);
  });

  it("runs the README's calls: program, reward, card, a retried earn, a redemption and the voucher at the counter", async () => {
    const m = await makeMerchant();
    const keepcard = client(m.apiKey);

    const program = await keepcard.POST("/programs", { body: { name: "Bean Points", kind: "points", rules: { basis: "amount", rate: 10 } } });
    expect(program.response.status).toBe(201);
    const programId = program.data!.id;
    const reward = await keepcard.POST("/rewards", { body: { programId, name: "Free coffee", cost: 150, inventory: 100 } });
    expect(reward.data).toMatchObject({ name: "Free coffee", cost: 150 });
    const card = await keepcard.POST("/cards", { body: { programId, customer: { email: "ana@example.test", name: "Ana" } } });
    expect(card.response.status).toBe(201);
    const cardId = card.data!.id;

    const earn = () =>
      keepcard.POST("/cards/{id}/earn", {
        params: { path: { id: cardId }, header: { "Idempotency-Key": "order-1042" } },
        body: { purchase: { amount: 1250, currency: "USD" }, reference: "order-1042" },
      });
    const earned = await earn();
    expect([earned.response.status, earned.data?.card.balance]).toEqual([201, 125]);
    const retried = await earn();
    expect([retried.response.headers.get("idempotent-replayed"), retried.data?.card.balance]).toEqual(["true", 125]);

    // 125 points do not pay for a 150-point reward: the error is the API's problem+json, typed.
    const short = await keepcard.POST("/cards/{id}/redemptions", { params: { path: { id: cardId } }, body: { rewardId: reward.data!.id } });
    expect([short.response.status, short.error?.code]).toEqual([409, "insufficient_balance"]);
    await keepcard.POST("/cards/{id}/earn", { params: { path: { id: cardId } }, body: { points: 100 } });

    const redeemed = await keepcard.POST("/cards/{id}/redemptions", { params: { path: { id: cardId } }, body: { rewardId: reward.data!.id } });
    expect([redeemed.response.status, redeemed.data?.card.balance]).toEqual([201, 75]);
    const code = redeemed.data!.voucher.code;
    const used = await keepcard.POST("/vouchers/redeem", { body: { code } });
    expect(used.data?.voucher.status).toBe("redeemed");
    const twice = await keepcard.POST("/vouchers/redeem", { body: { code } });
    expect([twice.response.status, twice.error?.code]).toEqual([409, "already_redeemed"]);

    const history = await keepcard.GET("/cards/{id}/transactions", { params: { path: { id: cardId } } });
    expect(history.data?.data.map((e) => e.kind)).toEqual(["redeem", "earn", "earn"]);
  });

  it("sends the key it was made with: another key's business sees nothing, no key is refused", async () => {
    const [a, b] = await Promise.all([makeMerchant(), makeMerchant()]);
    const program = await client(a.apiKey).POST("/programs", { body: { name: "A points", kind: "points", rules: { basis: "amount", rate: 1 } } });
    const theirs = await client(b.apiKey).GET("/programs/{id}", { params: { path: { id: program.data!.id } } });
    expect([theirs.response.status, theirs.error?.code]).toEqual([404, "not_found"]);
    const anonymous = await client("").GET("/programs");
    expect(anonymous.response.status).toBe(401);
  });
});
