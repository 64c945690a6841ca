import { describe, expect, it } from "vitest";
import { POST } from "@/app/api/connectors/square/[connectorId]/route";
import { balanceOf, deliver, expectOutcomes, logOf, setupConnector, spendAll, squareSignature, type ConnectorSetup } from "../support/connectors";

let n = 0;

/** A Square notification: the event envelope, signed over the notification URL (the one on the setup page) + body. */
function post(s: ConnectorSetup, type: string, object: Record<string, unknown>, opts: { secret?: string; url?: string; rawBody?: string } = {}) {
  const rawBody = opts.rawBody ?? JSON.stringify({ merchant_id: "ML1", type, event_id: `ev-${++n}`, created_at: "2026-11-30T10:00:00Z", data: { type: type.split(".")[0], id: "x", object } });
  return deliver(POST, s, rawBody, { "x-square-hmacsha256-signature": squareSignature(opts.url ?? s.connector.webhookUrl, rawBody, opts.secret ?? s.secret) });
}

const payment = (s: ConnectorSetup, id: string, amount: number, status = "COMPLETED") => ({
  payment: { id, status, amount_money: { amount, currency: "USD" }, total_money: { amount: amount + 200, currency: "USD" }, buyer_email_address: s.email },
});
const refund = (id: string, paymentId: string, amount: number, status = "COMPLETED") => ({ refund: { id, status, payment_id: paymentId, amount_money: { amount, currency: "USD" } } });

describe("Square connector", () => {
  it("earns when a payment is COMPLETED (amount before tip), once per payment", async () => {
    const s = await setupConnector("square");
    expect((await post(s, "payment.updated", payment(s, "P1", 1800, "APPROVED"))).body.outcome).toBe("ignored");
    expect(await post(s, "payment.updated", payment(s, "P1", 1800))).toMatchObject({ status: 200, body: { outcome: "earned" } });
    expect(await post(s, "payment.updated", payment(s, "P1", 1800))).toMatchObject({ status: 200, body: { outcome: "duplicate" } });
    expect(await balanceOf(s, s.cardId)).toEqual({ balance: 18, debt: 0 });
    expectOutcomes(await logOf(s), ["ignored", "earned", "duplicate"]);
  });

  it("refuses a signature made with another key or over another URL", async () => {
    const s = await setupConnector("square");
    expect((await post(s, "payment.updated", payment(s, "P2", 5000), { secret: "other-key" })).status).toBe(401);
    expect((await post(s, "payment.updated", payment(s, "P2", 5000), { url: "https://attacker.example/hook" })).status).toBe(401);
    expect(await balanceOf(s, s.cardId)).toEqual({ balance: 0, debt: 0 });
    expectOutcomes(await logOf(s), ["bad_signature", "bad_signature"]);
  });

  it("logs a payment whose buyer is not a member as no matching customer", async () => {
    const s = await setupConnector("square");
    const r = await post(s, "payment.updated", { payment: { ...payment(s, "P3", 900).payment, buyer_email_address: "walk-in@example.test" } });
    expect(r.body.outcome).toBe("no_customer");
    expect((await balanceOf(s, s.cardId)).balance).toBe(0);
  });

  it("takes back points when a refund completes (not while pending), once per refund", async () => {
    const s = await setupConnector("square");
    await post(s, "payment.updated", payment(s, "P4", 6000));
    expect((await post(s, "refund.created", refund("R1", "P4", 2000, "PENDING"))).body.outcome).toBe("ignored");
    expect((await balanceOf(s, s.cardId)).balance).toBe(60);
    expect((await post(s, "refund.updated", refund("R1", "P4", 2000))).body.outcome).toBe("reversed");
    expect((await post(s, "refund.updated", refund("R1", "P4", 2000))).body.outcome).toBe("duplicate");
    expect((await balanceOf(s, s.cardId)).balance).toBe(40);
  });

  it("a refund after spending: a debt by default, a negative balance when the program allows it", async () => {
    const debt = await setupConnector("square");
    await post(debt, "payment.updated", payment(debt, "P5", 2000));
    await spendAll(debt, debt.cardId);
    await post(debt, "refund.updated", refund("R5", "P5", 2000));
    expect(await balanceOf(debt, debt.cardId)).toEqual({ balance: 0, debt: 20 });

    const negative = await setupConnector("square", { refundsMayGoNegative: true });
    await post(negative, "payment.updated", payment(negative, "P6", 2000));
    await spendAll(negative, negative.cardId);
    await post(negative, "refund.updated", refund("R6", "P6", 2000));
    expect(await balanceOf(negative, negative.cardId)).toEqual({ balance: -20, debt: 0 });
  });
});

describe("Square connector, hostile input", () => {
  it("a forged body with control characters in its type is a 401 and a clean log line, not a server error", async () => {
    const s = await setupConnector("square");
    const rawBody = JSON.stringify({ type: "payment.updated\u0000\u001b[31m", data: { object: {} } });
    const r = await post(s, "ignored", {}, { rawBody, secret: "not-the-key" });
    expect(r.status).toBe(401);
    const [row] = await logOf(s);
    expect(row).toMatchObject({ outcome: "bad_signature", topic: "payment.updated[31m" });
  });
});
