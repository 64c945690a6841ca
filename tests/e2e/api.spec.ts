import { expect, test, type Browser } from "@playwright/test";
import { createKeepcardClient } from "../../client";
import { signInByMagicLink } from "./support";

/**
 * An integrator's first hour, over real HTTP against the production build: an owner makes an API key
 * in the dashboard, and the README's calls run with it — program, reward, card, a retried earn,
 * redemption and the voucher at the counter. Route tests call handlers directly; this is the check
 * that the server answers them the same way (routes without path segments once answered 500 here).
 * The typed client in client/ runs against the same server.
 */

/** An owner signs up, names the business and makes an API key on the API keys page; returns the key. */
async function keyFromDashboard(browser: Browser, run: string): Promise<string> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signInByMagicLink(page, `integrator-${run}@e2e.test`);
  await page.getByLabel("Business name").fill(`Integrator ${run}`);
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page.getByRole("heading", { name: "Create your first program" })).toBeVisible();
  await page.goto("/dashboard/api-keys");
  await page.getByLabel("Name").fill("Till");
  await page.getByRole("button", { name: "Create key" }).click();
  const key = (await page.getByTestId("new-api-key").textContent())!.trim();
  expect(key).toMatch(/^kc_/);
  await context.close();
  return key;
}

test("the README's API calls work over HTTP with a key made in the dashboard", async ({ browser, request }) => {
  const run = Date.now().toString(36);
  const key = await keyFromDashboard(browser, run);

  const headers = { authorization: `Bearer ${key}` };
  const post = async (path: string, data: unknown, extra: Record<string, string> = {}) => {
    const res = await request.post(`/api/v1${path}`, { headers: { ...headers, ...extra }, data });
    return { status: res.status(), body: await res.json(), headers: res.headers() };
  };

  const program = await post("/programs", { name: "Bean Points", kind: "points", rules: { basis: "amount", rate: 10 }, expiry: { kind: "rolling", days: 365 } });
  expect(program.status).toBe(201);
  const reward = await post("/rewards", { programId: program.body.id, name: "Free coffee", cost: 150, inventory: 100 });
  expect(reward.status).toBe(201);
  const card = await post("/cards", { programId: program.body.id, customer: { email: `ana-${run}@example.com`, name: "Ana" } });
  expect(card.status).toBe(201);
  const again = await post("/cards", { programId: program.body.id, customer: { email: `ana-${run}@example.com` } });
  expect([again.status, again.body.id]).toEqual([200, card.body.id]);

  const purchase = { purchase: { amount: 1250, currency: "USD" }, reference: "order-1042" };
  const earned = await post(`/cards/${card.body.id}/earn`, purchase, { "idempotency-key": "order-1042" });
  expect([earned.status, earned.body.card.balance]).toEqual([201, 125]);
  const retried = await post(`/cards/${card.body.id}/earn`, purchase, { "idempotency-key": "order-1042" });
  expect([retried.status, retried.headers["idempotent-replayed"], retried.body.card.balance]).toEqual([201, "true", 125]);
  await post(`/cards/${card.body.id}/earn`, { points: 100 });

  const redeemed = await post(`/cards/${card.body.id}/redemptions`, { rewardId: reward.body.id });
  expect(redeemed.status).toBe(201);
  expect(redeemed.body.card.balance).toBe(75);
  const used = await post("/vouchers/redeem", { code: redeemed.body.voucher.code });
  expect([used.status, used.body.voucher.status]).toEqual([200, "redeemed"]);
  const twice = await post("/vouchers/redeem", { code: redeemed.body.voucher.code });
  expect(twice.status).toBe(409);
  expect(twice.headers["content-type"]).toContain("application/problem+json");

  const anonymous = await request.get(`/api/v1/cards/${card.body.id}`);
  expect(anonymous.status()).toBe(401);
  const nul = await request.get(`/api/v1/cards/%00`, { headers });
  expect(nul.status()).toBe(400);
});

test("the typed client (client/) drives the running server", async ({ browser, baseURL }) => {
  const run = Date.now().toString(36);
  const keepcard = createKeepcardClient({ baseUrl: baseURL!, apiKey: await keyFromDashboard(browser, run) });

  const program = await keepcard.POST("/programs", { body: { name: "Typed Points", kind: "points", rules: { basis: "amount", rate: 10 } } });
  expect(program.response.status).toBe(201);
  const card = await keepcard.POST("/cards", { body: { programId: program.data!.id, customer: { email: `typed-${run}@example.com` } } });
  const id = card.data!.id;
  const earn = () =>
    keepcard.POST("/cards/{id}/earn", { params: { path: { id }, header: { "Idempotency-Key": `order-${run}` } }, body: { purchase: { amount: 990, currency: "USD" } } });
  expect((await earn()).data?.card.balance).toBe(99);
  const retried = await earn();
  expect([retried.response.headers.get("idempotent-replayed"), retried.data?.card.balance]).toEqual(["true", 99]);
  const found = await keepcard.GET("/cards", { params: { query: { email: `typed-${run}@example.com` } } });
  expect(found.data?.data.map((c) => c.id)).toEqual([id]);
  const missing = await keepcard.GET("/cards/{id}", { params: { path: { id: "crd_doesnotexist" } } });
  expect([missing.response.status, missing.error?.code]).toEqual([404, "not_found"]);
});
