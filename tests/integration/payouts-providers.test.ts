import { and, eq, like } from "drizzle-orm";
import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as paypalWebhook } from "@/app/api/payouts/paypal/webhook/route";
import { POST as stripeWebhook } from "@/app/api/payouts/stripe/webhook/route";
import { cards, ledgerEntries, outboxEvents, payouts } from "@/db/schema";
import { env } from "@/lib/env";
import { earn } from "@/lib/ledger/earn";
import { cardPayouts, finishStripeOnboarding, setOwnPaypalEmail, startStripeOnboarding } from "@/lib/payouts/accounts";
import { stripeProvider } from "@/lib/payouts/providers/stripe";
import { configurePayouts, finishPayoutRun, preparePayoutRun, requestPayoutRun, sendPayoutBatch } from "@/lib/payouts/runs";
import { makeCard, makeMerchant, makeProgram, type TestMerchant } from "../support/fixtures";
import { startPaypalFake } from "../support/paypal-fake";
import { startStripeFake } from "../support/stripe-fake";

let stripe: Awaited<ReturnType<typeof startStripeFake>>;
let paypal: Awaited<ReturnType<typeof startPaypalFake>>;
const WHSEC = "whsec_keepcard_test_secret";

beforeAll(async () => {
  [stripe, paypal] = await Promise.all([startStripeFake(), startPaypalFake()]);
  Object.assign(env, {
    STRIPE_SECRET_KEY: stripe.secretKey,
    STRIPE_API_BASE: stripe.url,
    STRIPE_WEBHOOK_SECRET: WHSEC,
    PAYPAL_CLIENT_ID: paypal.clientId,
    PAYPAL_CLIENT_SECRET: paypal.clientSecret,
    PAYPAL_WEBHOOK_ID: paypal.webhookId,
    PAYPAL_API_BASE: paypal.url,
    PAYOUT_TIMEOUT_MS: 5000,
  });
});
afterAll(async () => {
  await Promise.all([stripe.close(), paypal.close()]);
});

/** A cashback program (10%) with a card per purchase amount. */
async function cashback(m: TestMerchant, purchases: number[], provider: "stripe" | "paypal", thresholdMinor = 500) {
  const program = await makeProgram(m, { kind: "cashback", cashbackPercent: 10 });
  await configurePayouts(m.ctx, { programId: program.id, provider, thresholdMinor });
  const list = [];
  for (const amount of purchases) {
    const card = await makeCard(m, program.id);
    await earn(m.ctx, { cardId: card.id, purchase: { amount, currency: "USD" } });
    list.push(card);
  }
  return { program, cards: list };
}

async function balance(m: TestMerchant, cardId: string) {
  const [card] = await m.db.select().from(cards).where(eq(cards.id, cardId));
  const entries = await m.db.select().from(ledgerEntries).where(eq(ledgerEntries.cardId, cardId));
  // The ledger is the truth: the cached balance always equals the sum of the entries.
  expect(entries.reduce((s, e) => s + e.amount, 0)).toBe(card!.balance);
  return card!.balance;
}

async function run(m: TestMerchant, programId: string) {
  const { run } = await requestPayoutRun(m.ctx, { programId });
  const prepared = await preparePayoutRun(m.db, run.id);
  await sendPayoutBatch(m.db, run.id, "", 1000, { backoffMs: 1 });
  return { runId: run.id, report: await finishPayoutRun(m.db, run.id, prepared) };
}

async function events(m: TestMerchant, type: string) {
  const rows = await m.db.select().from(outboxEvents).where(and(eq(outboxEvents.merchantId, m.merchantId), like(outboxEvents.type, type)));
  return rows.map((r) => r.payload as { payoutId: string });
}

/** Links the card's holder to a Stripe Express account the way the card page does: start, complete Stripe's onboarding, come back. */
async function linkStripe(m: TestMerchant, publicToken: string) {
  const { url } = await startStripeOnboarding(m.db, { token: publicToken });
  expect(url.startsWith(stripe.url)).toBe(true);
  const link = new URL(url);
  // Return and refresh URLs come from APP_URL, never from a request.
  expect(link.searchParams.get("return_url")).toBe(`${new URL(env.APP_URL).origin}/c/${publicToken}/payouts/stripe/return`);
  const back = await fetch(url, { redirect: "manual" });
  expect(back.status).toBe(302);
  return finishStripeOnboarding(m.db, { token: publicToken });
}

function stripeDelivery(type: string, object: unknown, id = `evt_${crypto.randomUUID().replace(/-/g, "").slice(0, 24)}`, secret = WHSEC) {
  const payload = JSON.stringify({ id, object: "event", type, api_version: "2025-01-01", created: Math.floor(Date.now() / 1000), data: { object }, livemode: false, pending_webhooks: 1, request: { id: null, idempotency_key: null } });
  const header = new Stripe(stripe.secretKey).webhooks.generateTestHeaderString({ payload, secret });
  return new Request("http://localhost/api/payouts/stripe/webhook", { method: "POST", headers: { "stripe-signature": header, "content-type": "application/json" }, body: payload });
}

describe("cashback payouts through Stripe Connect", () => {
  it("pays each linked customer once by transfer, leaves the unlinked ones' cashback on the card, and a reversal gives it back once", async () => {
    const m = await makeMerchant();
    const { program, cards: [a, b, unlinked, under] } = await cashback(m, [12_000, 8_000, 9_000, 3_000], "stripe");
    expect(await linkStripe(m, a!.publicToken)).toEqual({ ready: true });
    expect(await linkStripe(m, b!.publicToken)).toEqual({ ready: true });
    await linkStripe(m, under!.publicToken);

    const { report } = await run(m, program.id);
    // $12 and $8 paid; the third has no Stripe account; the fourth is under the $5 minimum.
    expect(report).toMatchObject({ selected: 2, paid: 2, failed: 0, amountPaid: 2000 });
    const sent = [...stripe.transfers.values()].filter((t) => t.metadata.programId === program.id);
    expect(sent.map((t) => t.amount).sort()).toEqual([1200, 800].sort());
    expect(sent.every((t) => t.currency === "usd" && stripe.accounts.get(t.destination)?.details_submitted)).toBe(true);
    expect(await balance(m, a!.id)).toBe(0);
    expect(await balance(m, unlinked!.id)).toBe(900);
    expect(await balance(m, under!.id)).toBe(300);
    expect((await cardPayouts(m.db, { token: a!.publicToken }))!.payouts).toMatchObject([{ amount: 1200, status: "paid" }]);
    expect((await cardPayouts(m.db, { token: unlinked!.publicToken }))!.payouts).toEqual([]);

    // A second run pays nobody again.
    expect((await run(m, program.id)).report).toMatchObject({ selected: 0, paid: 0 });
    expect([...stripe.transfers.values()].filter((t) => t.metadata.programId === program.id)).toHaveLength(2);

    // Stripe reverses a's transfer: the cashback is back on the card, once, however often Stripe says so.
    const transfer = sent.find((t) => t.amount === 1200)!;
    const reversed = stripe.reverse(transfer.id);
    const delivery = stripeDelivery("transfer.reversed", reversed, "evt_reversal_1");
    const first = await stripeWebhook(delivery.clone());
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ duplicate: false, outcome: "returned" });
    expect(await balance(m, a!.id)).toBe(1200);
    const again = await stripeWebhook(delivery);
    expect(await again.json()).toMatchObject({ duplicate: true });
    const otherEvent = await stripeWebhook(stripeDelivery("transfer.reversed", reversed));
    expect(await otherEvent.json()).toMatchObject({ duplicate: false, outcome: "unchanged" });
    expect(await balance(m, a!.id)).toBe(1200);
    const failedEvents = (await events(m, "payout.failed")).filter((e) => e.payoutId === transfer.metadata.payoutId);
    expect(failedEvents).toHaveLength(1);
    expect((await cardPayouts(m.db, { token: a!.publicToken }))!.payouts).toMatchObject([{ status: "failed", returned: true }]);
    // The next run pays the returned cashback again, as a new payout.
    expect((await run(m, program.id)).report).toMatchObject({ selected: 1, paid: 1, amountPaid: 1200 });
  });

  it("looks up a payout reserved over 20 hours ago by its transfer group (Stripe forgets keys after 24 hours) instead of paying it again", async () => {
    const account = stripe.readyAccount();
    const request = { payoutId: `pay_old${Date.now()}`, idempotencyKey: `key-${Date.now()}`, merchantId: "mer_x", programId: "prg_x", cardId: "crd_x", customerEmail: null, amount: 700, currency: "USD", stripeAccountId: account };
    const first = await stripeProvider().pay(request);
    expect(first.ok).toBe(true);
    // A day later, under another key (as if Stripe had forgotten the first one): still one transfer.
    const later = await stripeProvider().pay({ ...request, idempotencyKey: `${request.idempotencyKey}-forgotten`, reservedAt: new Date(Date.now() - 25 * 3_600_000) });
    expect(later).toEqual(first);
    expect([...stripe.transfers.values()].filter((t) => t.destination === account)).toHaveLength(1);
  });

  it("refuses a delivery whose signature does not match (400) and changes nothing", async () => {
    const m = await makeMerchant();
    const { program, cards: [a] } = await cashback(m, [10_000], "stripe");
    await linkStripe(m, a!.publicToken);
    await run(m, program.id);
    const [payout] = await m.db.select().from(payouts).where(eq(payouts.cardId, a!.id));
    const reversed = stripe.reverse(payout!.providerReference!);
    const forged = await stripeWebhook(stripeDelivery("transfer.reversed", reversed, undefined, "whsec_someone_else"));
    expect(forged.status).toBe(400);
    expect(forged.headers.get("content-type")).toContain("application/problem+json");
    const tampered = stripeDelivery("transfer.reversed", reversed);
    const body = (await tampered.text()).replace('"amount_reversed":1000', '"amount_reversed":1001');
    const altered = await stripeWebhook(new Request(tampered.url, { method: "POST", headers: tampered.headers, body }));
    expect(altered.status).toBe(400);
    expect(await balance(m, a!.id)).toBe(0);
  });
});

function paypalDelivery(delivery: { body: string; headers: Record<string, string> }) {
  return new Request("http://localhost/api/payouts/paypal/webhook", { method: "POST", headers: delivery.headers, body: delivery.body });
}

describe("cashback payouts through PayPal Payouts", () => {
  it("sends one batch to the customers' PayPal emails; item webhooks mark them paid or give the cashback back once", async () => {
    const m = await makeMerchant();
    const { program, cards: [a, b, none] } = await cashback(m, [15_000, 7_000, 9_000], "paypal");
    await setOwnPaypalEmail(m.db, { token: a!.publicToken, email: "Ann@Example.test" });
    await setOwnPaypalEmail(m.db, { token: b!.publicToken, email: "bob@example.test" });

    const { runId, report } = await run(m, program.id);
    expect(report).toMatchObject({ selected: 2, sent: 2, paid: 0, failed: 0 });
    const batch = [...paypal.batches.values()].find((x) => String(x.sender_batch_header.sender_batch_id).startsWith(runId))!;
    expect(batch.items.map((i) => [i.payout_item.receiver, i.payout_item.amount]).sort()).toEqual([
      ["ann@example.test", { value: "15.00", currency: "USD" }],
      ["bob@example.test", { value: "7.00", currency: "USD" }],
    ]);
    expect(await balance(m, none!.id)).toBe(900);
    expect((await cardPayouts(m.db, { token: a!.publicToken }))!.payouts).toMatchObject([{ status: "pending" }]);

    const [pa] = await m.db.select().from(payouts).where(eq(payouts.cardId, a!.id));
    const [pb] = await m.db.select().from(payouts).where(eq(payouts.cardId, b!.id));
    const succeeded = await paypalWebhook(paypalDelivery(paypal.itemEvent(pa!.id, "SUCCEEDED")));
    expect(await succeeded.json()).toMatchObject({ outcome: "paid" });
    expect((await cardPayouts(m.db, { token: a!.publicToken }))!.payouts).toMatchObject([{ status: "paid", amount: 1500 }]);
    expect((await events(m, "payout.paid")).map((e) => e.payoutId)).toEqual([pa!.id]);

    // Unclaimed is not final (PayPal returns it after 30 days): still on its way.
    await paypalWebhook(paypalDelivery(paypal.itemEvent(pb!.id, "UNCLAIMED")));
    expect((await cardPayouts(m.db, { token: b!.publicToken }))!.payouts).toMatchObject([{ status: "pending" }]);
    const returned = paypal.itemEvent(pb!.id, "RETURNED");
    expect(await (await paypalWebhook(paypalDelivery(returned))).json()).toMatchObject({ duplicate: false, outcome: "returned" });
    expect(await (await paypalWebhook(paypalDelivery(returned))).json()).toMatchObject({ duplicate: true });
    expect(await balance(m, b!.id)).toBe(700);
    expect((await events(m, "payout.failed")).filter((e) => e.payoutId === pb!.id)).toHaveLength(1);
    expect((await cardPayouts(m.db, { token: b!.publicToken }))!.payouts).toMatchObject([{ status: "failed", returned: true }]);
  });

  it("refuses deliveries PayPal does not confirm (400): forged, tampered or for another webhook", async () => {
    const m = await makeMerchant();
    const { program, cards: [a] } = await cashback(m, [10_000], "paypal");
    await setOwnPaypalEmail(m.db, { token: a!.publicToken, email: "ann@example.test" });
    await run(m, program.id);
    const [payout] = await m.db.select().from(payouts).where(eq(payouts.cardId, a!.id));
    const genuine = paypal.itemEvent(payout!.id, "FAILED");
    const otherHook = paypal.itemEvent(payout!.id, "FAILED", "WH-SOMEONE-ELSE");
    const tampered = { ...genuine, body: genuine.body.replace('"FAILED"', '"FAILED" ') .replace("PAYMENT.PAYOUTS-ITEM.FAILED", "PAYMENT.PAYOUTS-ITEM.RETURNED") };
    const unsigned = { body: genuine.body, headers: { "content-type": "application/json" } };
    for (const delivery of [otherHook, tampered, unsigned]) {
      const res = await paypalWebhook(paypalDelivery(delivery));
      expect(res.status).toBe(400);
    }
    expect(await balance(m, a!.id)).toBe(0);
    expect((await paypalWebhook(paypalDelivery(genuine))).status).toBe(200);
    expect(await balance(m, a!.id)).toBe(1000);
  });

  it("keeps a customer's payout details to their own card page: a bad email is refused", async () => {
    const m = await makeMerchant();
    const { cards: [a] } = await cashback(m, [1_000], "paypal");
    await expect(setOwnPaypalEmail(m.db, { token: a!.publicToken, email: "not-an-email" })).rejects.toThrow();
    await expect(setOwnPaypalEmail(m.db, { token: "x".repeat(32), email: "a@example.test" })).rejects.toMatchObject({ code: "not_found" });
    expect((await cardPayouts(m.db, { token: a!.publicToken }))!.paypalEmail).toBeNull();
  });
});
