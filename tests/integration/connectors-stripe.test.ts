import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { queryRows, sql } from "@/db/client";
import { cards } from "@/db/schema";
import { POST } from "@/app/api/connectors/stripe/[connectorId]/route";
import { balanceOf, deliver, expectOutcomes, logOf, setupConnector, spendAll, stripeSignature, type ConnectorSetup } from "../support/connectors";

let n = 0;

/** A Stripe event delivery: the event envelope and a Stripe-Signature header (t=,v1=) under the endpoint secret. */
function event(type: string, object: Record<string, unknown>, eventId = `evt_${++n}`): string {
  return JSON.stringify({ id: eventId, object: "event", type, api_version: "2025-01-27", created: 1, livemode: false, data: { object } });
}
function post(s: ConnectorSetup, type: string, object: Record<string, unknown>, opts: { secret?: string; at?: number } = {}) {
  const rawBody = event(type, object);
  return deliver(POST, s, rawBody, { "stripe-signature": stripeSignature(rawBody, opts.secret ?? s.secret, opts.at) });
}

const session = (s: ConnectorSetup, pi: string, amount: number) => ({
  id: `cs_${pi}`,
  object: "checkout.session",
  payment_intent: pi,
  payment_status: "paid",
  amount_total: amount,
  currency: "usd",
  customer_details: { email: s.email, phone: null },
});
const charge = (s: ConnectorSetup, pi: string, amount: number, refunded = 0) => ({
  id: `ch_${pi}`,
  object: "charge",
  payment_intent: pi,
  amount,
  amount_refunded: refunded,
  currency: "usd",
  billing_details: { email: s.email, phone: null },
});

describe("Stripe connector", () => {
  it("earns once for a Checkout payment that sends both checkout.session.completed and charge.succeeded (keyed by payment intent)", async () => {
    const s = await setupConnector("stripe");
    expect(await post(s, "charge.succeeded", charge(s, "pi_1", 2599))).toMatchObject({ status: 200, body: { outcome: "earned" } });
    expect(await post(s, "checkout.session.completed", session(s, "pi_1", 2599))).toMatchObject({ status: 200, body: { outcome: "duplicate" } });
    expect(await balanceOf(s, s.cardId)).toEqual({ balance: 25, debt: 0 });

    // The same event delivered twice: the second is a duplicate.
    const rawBody = event("checkout.session.completed", session(s, "pi_2", 1000), "evt_same");
    await deliver(POST, s, rawBody, { "stripe-signature": stripeSignature(rawBody, s.secret) });
    await deliver(POST, s, rawBody, { "stripe-signature": stripeSignature(rawBody, s.secret) });
    expect((await balanceOf(s, s.cardId)).balance).toBe(35);
    expectOutcomes(await logOf(s), ["earned", "duplicate", "earned", "duplicate"]);
  });

  it("refuses a wrong signature, and a right one older than Stripe's five-minute tolerance", async () => {
    const s = await setupConnector("stripe");
    expect((await post(s, "charge.succeeded", charge(s, "pi_3", 5000), { secret: "whsec_other" })).status).toBe(401);
    expect((await post(s, "charge.succeeded", charge(s, "pi_3", 5000), { at: Math.floor(Date.now() / 1000) - 3600 })).status).toBe(401);
    expect(await balanceOf(s, s.cardId)).toEqual({ balance: 0, debt: 0 });
    expectOutcomes(await logOf(s), ["bad_signature", "bad_signature"]);
  });

  it("ignores a Checkout session that is not paid yet, and logs a charge of a stranger as no matching customer", async () => {
    const s = await setupConnector("stripe");
    expect((await post(s, "checkout.session.completed", { ...session(s, "pi_4", 1000), payment_status: "unpaid" })).body.outcome).toBe("ignored");
    const stranger = { ...charge(s, "pi_5", 1000), billing_details: { email: "nobody@example.test", phone: null } };
    expect((await post(s, "charge.succeeded", stranger)).body.outcome).toBe("no_customer");
    expect(await balanceOf(s, s.cardId)).toEqual({ balance: 0, debt: 0 });
    // Once the customer's email arrives with the session, the same payment earns (no_customer does not hold the key).
    expect((await post(s, "checkout.session.completed", session(s, "pi_5", 1000))).body.outcome).toBe("earned");
    expect((await balanceOf(s, s.cardId)).balance).toBe(10);
  });

  it("charge.refunded takes back the refunded share: amount_refunded is cumulative, each new total acts once", async () => {
    const s = await setupConnector("stripe");
    await post(s, "charge.succeeded", charge(s, "pi_6", 10000));
    expect((await balanceOf(s, s.cardId)).balance).toBe(100);
    expect((await post(s, "charge.refunded", charge(s, "pi_6", 10000, 3000))).body.outcome).toBe("reversed");
    expect((await balanceOf(s, s.cardId)).balance).toBe(70);
    expect((await post(s, "charge.refunded", charge(s, "pi_6", 10000, 3000))).body.outcome).toBe("duplicate");
    expect((await post(s, "charge.refunded", charge(s, "pi_6", 10000, 10000))).body.outcome).toBe("reversed");
    expect((await balanceOf(s, s.cardId)).balance).toBe(0);
  });

  it("a refund after spending: a debt by default, a negative balance when the program allows it", async () => {
    const debt = await setupConnector("stripe");
    await post(debt, "charge.succeeded", charge(debt, "pi_7", 3000));
    await spendAll(debt, debt.cardId);
    await post(debt, "charge.refunded", charge(debt, "pi_7", 3000, 3000));
    expect(await balanceOf(debt, debt.cardId)).toEqual({ balance: 0, debt: 30 });
    await post(debt, "charge.succeeded", charge(debt, "pi_8", 5000));
    expect(await balanceOf(debt, debt.cardId)).toEqual({ balance: 20, debt: 0 });

    const negative = await setupConnector("stripe", { refundsMayGoNegative: true });
    await post(negative, "charge.succeeded", charge(negative, "pi_9", 3000));
    await spendAll(negative, negative.cardId);
    await post(negative, "charge.refunded", charge(negative, "pi_9", 3000, 3000));
    expect(await balanceOf(negative, negative.cardId)).toEqual({ balance: -30, debt: 0 });
  });

  it("logs a charge in another currency as a currency mismatch", async () => {
    const s = await setupConnector("stripe");
    expect((await post(s, "charge.succeeded", { ...charge(s, "pi_10", 1000), currency: "gbp" })).body.outcome).toBe("currency_mismatch");
    expect((await balanceOf(s, s.cardId)).balance).toBe(0);
  });
});

// PGlite is one connection and cannot race: this one runs on Postgres only (as tests/integration/concurrency.test.ts).
const onPostgres = (process.env.TEST_DB ?? "pglite") === "postgres";

describe.runIf(onPostgres)("Stripe connector under concurrent refunds", () => {
  it("two refund events of one charge racing never take back more than the purchase earned", async () => {
    const s = await setupConnector("stripe");
    await post(s, "charge.succeeded", charge(s, "pi_c", 10000));
    // Hold the card so both deliveries are inside their transactions at once, then let them go.
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const holder = s.db.transaction(async (tx) => {
      await tx.select().from(cards).where(eq(cards.id, s.cardId)).for("update");
      await held;
    });
    const racing = Promise.all([post(s, "charge.refunded", charge(s, "pi_c", 10000, 3000)), post(s, "charge.refunded", charge(s, "pi_c", 10000, 10000))]);
    // Both wait on a row lock (the card, or the purchase's log row that orders refunds): then release.
    for (;;) {
      const [row] = await queryRows<{ n: number }>(s.db, sql`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`);
      if (Number(row!.n) >= 2) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    release();
    await holder;
    const results = await racing;
    expect(results.map((r) => r.status)).toEqual([200, 200]);
    expect(await balanceOf(s, s.cardId)).toEqual({ balance: 0, debt: 0 });
  });
});
