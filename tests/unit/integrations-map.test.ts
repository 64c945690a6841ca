import { describe, expect, it } from "vitest";
import { shopify } from "@/lib/integrations/shopify";
import { square } from "@/lib/integrations/square";
import { stripe } from "@/lib/integrations/stripe";

/** How each provider's event becomes a purchase, a refund or nothing: amounts in minor units, keys that make deliveries idempotent. */
describe("connector mapping", () => {
  it("Shopify: orders/paid is a purchase keyed by order id, its decimal total in minor units, the email lower-cased", () => {
    const m = shopify.map("orders/paid", { id: 55, name: "#1055", email: "Ann@Example.TEST", currency: "jpy", total_price: "1250.00", customer: { phone: "+81 3 1234 5678" } });
    expect(m).toMatchObject({ kind: "purchase", key: "order:55", amount: 1250, currency: "JPY", email: "ann@example.test", phone: "+81 3 1234 5678" });
  });

  it("Shopify: refunds/create sums its successful refund transactions and names the order", () => {
    const m = shopify.map("refunds/create", {
      id: 9,
      order_id: 55,
      transactions: [
        { kind: "refund", status: "success", amount: "5.00", currency: "USD" },
        { kind: "refund", status: "failure", amount: "100.00", currency: "USD" },
        { kind: "refund", status: "success", amount: "2.50", currency: "USD" },
      ],
    });
    expect(m).toMatchObject({ kind: "refund", key: "refund:9", orderKey: "order:55", amount: 750, cumulative: false });
    expect(shopify.map("refunds/create", { id: 10, order_id: 55, transactions: [] }).kind).toBe("ignored");
  });

  it("Stripe: a session and a charge of one payment intent share the key; a refund keys on the refunded total", () => {
    const session = stripe.map("checkout.session.completed", { id: "cs_1", payment_intent: "pi_1", payment_status: "paid", amount_total: 1999, currency: "eur", customer_details: { email: "a@b.test" } });
    const charge = stripe.map("charge.succeeded", { id: "ch_1", payment_intent: "pi_1", amount: 1999, currency: "eur", billing_details: { email: "a@b.test" } });
    expect(session).toMatchObject({ kind: "purchase", key: "pi:pi_1", amount: 1999, currency: "EUR" });
    expect(charge).toMatchObject({ kind: "purchase", key: "pi:pi_1" });
    expect(stripe.map("charge.refunded", { id: "ch_1", payment_intent: "pi_1", amount: 1999, amount_refunded: 500, currency: "eur" })).toMatchObject({
      kind: "refund",
      key: "refund:ch_1:500",
      orderKey: "pi:pi_1",
      amount: 500,
      cumulative: true,
    });
    expect(stripe.map("customer.created", { id: "cus_1" }).kind).toBe("ignored");
  });

  it("Square: only COMPLETED payments and refunds act; the amount is before tip", () => {
    const payment = (status: string) => ({ payment: { id: "P1", status, amount_money: { amount: 1000, currency: "USD" }, total_money: { amount: 1200, currency: "USD" }, buyer_email_address: "x@y.test" } });
    expect(square.map("payment.updated", payment("APPROVED")).kind).toBe("ignored");
    expect(square.map("payment.updated", payment("COMPLETED"))).toMatchObject({ kind: "purchase", key: "payment:P1", amount: 1000 });
    expect(square.map("refund.updated", { refund: { id: "R1", status: "COMPLETED", payment_id: "P1", amount_money: { amount: 300, currency: "USD" } } })).toMatchObject({
      kind: "refund",
      key: "refund:R1",
      orderKey: "payment:P1",
      amount: 300,
    });
  });
});
