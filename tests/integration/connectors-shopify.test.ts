import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { POST } from "@/app/api/connectors/shopify/[connectorId]/route";
import { GET as getCard } from "@/app/api/v1/cards/[id]/route";
import { GET as getProgram } from "@/app/api/v1/programs/[id]/route";
import { customers } from "@/db/schema";
import { earn } from "@/lib/ledger/earn";
import { forgetStrangersInLog, STRANGER_FORGOTTEN } from "@/lib/integrations/connectors";
import { call } from "../support/fixtures";
import { balanceOf, deliver, entriesOf, expectOutcomes, logOf, setupConnector, shopifySignature, spendAll, type ConnectorSetup } from "../support/connectors";

/** A Shopify delivery: the topic, webhook and shop headers Shopify sends, signed with the app secret (or not). */
function send(s: ConnectorSetup, topic: string, payload: unknown, opts: { secret?: string; webhookId?: string } = {}) {
  const rawBody = JSON.stringify(payload);
  return deliver(POST, s, rawBody, {
    "x-shopify-topic": topic,
    "x-shopify-hmac-sha256": shopifySignature(rawBody, opts.secret ?? s.secret),
    "x-shopify-shop-domain": "test-shop.myshopify.com",
    "x-shopify-api-version": "2025-01",
    "x-shopify-webhook-id": opts.webhookId ?? crypto.randomUUID(),
  });
}

const order = (s: ConnectorSetup, id: number, total: string, extra: Record<string, unknown> = {}) => ({
  id,
  name: `#${id}`,
  email: s.email.toUpperCase(),
  phone: null,
  currency: "USD",
  total_price: total,
  customer: { email: s.email, phone: null },
  ...extra,
});

const refund = (id: number, orderId: number, amount: string) => ({ id, order_id: orderId, transactions: [{ kind: "refund", status: "success", amount, currency: "USD" }] });

describe("Shopify connector", () => {
  it("earns for orders/paid, matching the customer by email, and a second delivery of the order changes nothing", async () => {
    const s = await setupConnector("shopify");
    const first = await send(s, "orders/paid", order(s, 1001, "42.50"));
    expect(first).toMatchObject({ status: 200, body: { outcome: "earned" } });
    expect(await balanceOf(s, s.cardId)).toEqual({ balance: 42, debt: 0 });

    // Shopify retries (a new webhook id, same order): logged as duplicate, no second earn.
    const again = await send(s, "orders/paid", order(s, 1001, "42.50"));
    expect(again).toMatchObject({ status: 200, body: { outcome: "duplicate" } });
    expect(await balanceOf(s, s.cardId)).toEqual({ balance: 42, debt: 0 });
    expectOutcomes(await logOf(s), ["earned", "duplicate"]);
  });

  it("refuses a delivery whose HMAC is not the app secret's, and logs it as a bad signature", async () => {
    const s = await setupConnector("shopify");
    const forged = await send(s, "orders/paid", order(s, 2001, "99.00"), { secret: "someone-else" });
    expect(forged.status).toBe(401);
    expect(await balanceOf(s, s.cardId)).toEqual({ balance: 0, debt: 0 });
    const [row] = await logOf(s);
    expect(row).toMatchObject({ outcome: "bad_signature", topic: "orders/paid" });

    // A body changed after signing fails too.
    const rawBody = JSON.stringify(order(s, 2002, "10.00"));
    const tampered = await deliver(POST, s, rawBody.replace("10.00", "1000.00"), {
      "x-shopify-topic": "orders/paid",
      "x-shopify-hmac-sha256": shopifySignature(rawBody, s.secret),
      "x-shopify-shop-domain": "test-shop.myshopify.com",
      "x-shopify-api-version": "2025-01",
      "x-shopify-webhook-id": "w-2002",
    });
    expect(tampered.status).toBe(401);
    expect(await balanceOf(s, s.cardId)).toEqual({ balance: 0, debt: 0 });
  });

  it("matches by phone when the order has no known email, only within the connector's business", async () => {
    const s = await setupConnector("shopify");
    await s.db.update(customers).set({ phone: "+1 (555) 010-4477" }).where(eq(customers.email, s.email));
    // Another business's customer with the same phone must never be credited.
    const other = await setupConnector("shopify");
    await other.db.update(customers).set({ phone: "+15550104477" }).where(eq(customers.email, other.email));

    const r = await send(s, "orders/paid", order(s, 3001, "12.00", { email: null, customer: { email: null, phone: "+15550104477" } }));
    expect(r.body.outcome).toBe("earned");
    expect((await balanceOf(s, s.cardId)).balance).toBe(12);
    expect((await balanceOf(other, other.cardId)).balance).toBe(0);
  });

  it("logs an order whose customer is not a member as no matching customer, and earns nothing", async () => {
    const s = await setupConnector("shopify");
    const r = await send(s, "orders/paid", order(s, 4001, "30.00", { email: "stranger@example.test", customer: { email: "stranger@example.test" } }));
    expect(r).toMatchObject({ status: 200, body: { outcome: "no_customer" } });
    expect(r.body.message).toContain("stranger@example.test");
    expect(await balanceOf(s, s.cardId)).toEqual({ balance: 0, debt: 0 });
    await send(s, "orders/paid", order(s, 4002, "10.00"));

    // The stranger's address stays in the log only as long as stored emails do; the member's line stays whole.
    const month = new Date(Date.now() + 31 * 24 * 60 * 60 * 1000);
    expect(await forgetStrangersInLog(s.db, new Date(), { merchantId: s.merchantId })).toBe(0);
    expect(await forgetStrangersInLog(s.db, month, { merchantId: s.merchantId })).toBe(1);
    const log = await logOf(s);
    expect(log.map((e) => e.message).join("\n")).not.toContain("stranger@example.test");
    expect(log.find((e) => e.outcome === "no_customer")?.message).toBe(STRANGER_FORGOTTEN);
    expect(log.find((e) => e.outcome === "earned")?.message).toMatch(/^Earned 10 /);
    expect(await forgetStrangersInLog(s.db, month, { merchantId: s.merchantId })).toBe(0);
  });

  it("logs an order in another currency as a currency mismatch, with no points", async () => {
    const s = await setupConnector("shopify");
    const r = await send(s, "orders/paid", order(s, 5001, "30.00", { currency: "EUR" }));
    expect(r.body.outcome).toBe("currency_mismatch");
    expect(await balanceOf(s, s.cardId)).toEqual({ balance: 0, debt: 0 });
  });

  it("takes back the refunded share on refunds/create, once per refund, and the full refund reverses the earn", async () => {
    const s = await setupConnector("shopify");
    await send(s, "orders/paid", order(s, 6001, "100.00"));
    expect((await balanceOf(s, s.cardId)).balance).toBe(100);

    expect((await send(s, "refunds/create", refund(71, 6001, "25.00"))).body.outcome).toBe("reversed");
    expect((await balanceOf(s, s.cardId)).balance).toBe(75);
    expect((await send(s, "refunds/create", refund(71, 6001, "25.00"))).body.outcome).toBe("duplicate");
    expect((await balanceOf(s, s.cardId)).balance).toBe(75);

    expect((await send(s, "refunds/create", refund(72, 6001, "75.00"))).body.outcome).toBe("reversed");
    expect((await balanceOf(s, s.cardId)).balance).toBe(0);
    const earnEntry = (await entriesOf(s, s.cardId)).find((e) => e.kind === "earn")!;
    expect((await entriesOf(s, s.cardId)).some((e) => e.reversesEntryId === earnEntry.id)).toBe(true);
  });

  it("a refund after the points were spent records a debt that the next earn pays first (the program's default)", async () => {
    const s = await setupConnector("shopify");
    await send(s, "orders/paid", order(s, 7001, "40.00"));
    await spendAll(s, s.cardId);
    const r = await send(s, "refunds/create", refund(81, 7001, "40.00"));
    expect(r.body.outcome).toBe("reversed");
    expect(r.body.message).toContain("40 owed as debt");
    expect(await balanceOf(s, s.cardId)).toEqual({ balance: 0, debt: 40 });
    // An integrator sees the debt on the card and the program's choice.
    expect((await call(getCard, { key: s.apiKey, params: { id: s.cardId } })).body).toMatchObject({ balance: 0, debt: 40 });
    expect((await call(getProgram, { key: s.apiKey, params: { id: s.programId } })).body).toMatchObject({ refundsMayGoNegative: false });

    // The next purchase (25 points) goes to the debt first.
    await send(s, "orders/paid", order(s, 7002, "25.00"));
    expect(await balanceOf(s, s.cardId)).toEqual({ balance: 0, debt: 15 });
    // And then one earned at the counter pays the rest.
    await earn(s.ctx, { cardId: s.cardId, points: 20 });
    expect(await balanceOf(s, s.cardId)).toEqual({ balance: 5, debt: 0 });
    const repaid = (await entriesOf(s, s.cardId)).filter((e) => e.details && "debtPaid" in e.details);
    expect(repaid.map((e) => e.amount).sort()).toEqual([-15, -25]);
  });

  it("a refund after the points were spent leaves the balance negative when the program allows it", async () => {
    const s = await setupConnector("shopify", { refundsMayGoNegative: true });
    await send(s, "orders/paid", order(s, 8001, "40.00"));
    await spendAll(s, s.cardId);
    await send(s, "refunds/create", refund(91, 8001, "40.00"));
    expect(await balanceOf(s, s.cardId)).toEqual({ balance: -40, debt: 0 });
    expect((await call(getCard, { key: s.apiKey, params: { id: s.cardId } })).body).toMatchObject({ balance: -40, debt: 0 });
    expect((await call(getProgram, { key: s.apiKey, params: { id: s.programId } })).body).toMatchObject({ refundsMayGoNegative: true });
    await send(s, "orders/paid", order(s, 8002, "50.00"));
    expect(await balanceOf(s, s.cardId)).toEqual({ balance: 10, debt: 0 });
  });

  it("answers 404 for an address no connector has, and refuses another provider's path", async () => {
    const s = await setupConnector("stripe");
    const r = await send({ ...s, connector: { ...s.connector, id: "con_doesnotexist000000000" } }, "orders/paid", order(s, 1, "1.00"));
    expect(r.status).toBe(404);
    // The Stripe connector's id under /shopify is not found either.
    expect((await send(s, "orders/paid", order(s, 1, "1.00"))).status).toBe(404);
  });
});
