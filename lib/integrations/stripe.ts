import Stripe from "stripe";
import { z } from "zod";
import { lowerEmail, text, type Adapter, type Delivery, type Mapped } from "./types";

/**
 * Stripe, through webhooks of the merchant's own account (Developers → Webhooks, the endpoint's
 * signing secret whsec_…): checkout.session.completed and charge.succeeded earn, charge.refunded
 * takes back. Both earning events name the payment intent, which is the key: a Checkout payment
 * sends both and earns once. Verified with stripe.webhooks.constructEvent (Stripe-Signature t=,v1=).
 */

const Id = z.union([z.string(), z.object({ id: z.string() }).transform((o) => o.id)]);

const Session = z.object({
  id: z.string(),
  payment_intent: Id.nullish(),
  payment_status: z.string().optional(),
  amount_total: z.number().int().nullish(),
  currency: z.string().nullish(),
  customer_email: z.string().nullish(),
  customer_details: z.object({ email: z.string().nullish(), phone: z.string().nullish() }).nullish(),
});

const Charge = z.object({
  id: z.string(),
  payment_intent: Id.nullish(),
  amount: z.number().int(),
  amount_refunded: z.number().int().default(0),
  currency: z.string(),
  receipt_email: z.string().nullish(),
  billing_details: z.object({ email: z.string().nullish(), phone: z.string().nullish() }).nullish(),
});

const Event = z.object({ id: z.string(), type: z.string(), data: z.object({ object: z.unknown() }) });

export const stripe: Adapter = {
  provider: "stripe",
  label: "Stripe",
  topics: ["checkout.session.completed", "charge.succeeded", "charge.refunded"],

  async verify(delivery, secret) {
    const signature = delivery.headers.get("stripe-signature") ?? "";
    let event: unknown;
    try {
      event = Stripe.webhooks.constructEvent(delivery.rawBody, signature, secret);
    } catch {
      return { ok: false, topic: topicOf(delivery.rawBody), reason: "The Stripe-Signature does not match the signing secret (or is older than five minutes)." };
    }
    const parsed = Event.safeParse(event);
    if (!parsed.success) return { ok: false, topic: "unknown", reason: "Not a Stripe event." };
    return { ok: true, topic: parsed.data.type, payload: parsed.data.data.object };
  },

  map(topic, object): Mapped {
    if (topic === "checkout.session.completed") {
      const s = Session.safeParse(object);
      if (!s.success || s.data.amount_total == null || !s.data.currency) return { kind: "ignored", topic, externalId: null, message: "The session has no amount or currency." };
      const session = { ...s.data, amount_total: s.data.amount_total, currency: s.data.currency };
      if (session.payment_status && session.payment_status !== "paid") return { kind: "ignored", topic, externalId: session.id, message: `The session is ${session.payment_status}, not paid: the charge earns when it succeeds.` };
      const key = session.payment_intent ? `pi:${session.payment_intent}` : `cs:${session.id}`;
      return {
        kind: "purchase",
        topic,
        externalId: session.payment_intent ?? session.id,
        key,
        amount: session.amount_total,
        currency: session.currency.toUpperCase(),
        email: lowerEmail(session.customer_details?.email) ?? lowerEmail(session.customer_email),
        phone: text(session.customer_details?.phone),
      };
    }
    if (topic === "charge.succeeded" || topic === "charge.refunded") {
      const c = Charge.safeParse(object);
      if (!c.success) return { kind: "ignored", topic, externalId: null, message: "The charge has no amount or currency." };
      const charge = c.data;
      const orderKey = charge.payment_intent ? `pi:${charge.payment_intent}` : `ch:${charge.id}`;
      const currency = charge.currency.toUpperCase();
      if (topic === "charge.succeeded") {
        return {
          kind: "purchase",
          topic,
          externalId: charge.payment_intent ?? charge.id,
          key: orderKey,
          amount: charge.amount,
          currency,
          email: lowerEmail(charge.billing_details?.email) ?? lowerEmail(charge.receipt_email),
          phone: text(charge.billing_details?.phone),
        };
      }
      // amount_refunded is the charge's total refunded so far: the key holds it, so each new partial
      // refund acts once and a repeated delivery is a duplicate.
      return { kind: "refund", topic, externalId: charge.id, key: `refund:${charge.id}:${charge.amount_refunded}`, orderKey, amount: charge.amount_refunded, currency, cumulative: true };
    }
    return { kind: "ignored", topic, externalId: null, message: `Keepcard does not act on ${topic}.` };
  },

  sample(url, secret, s): Delivery {
    const rawBody = JSON.stringify({
      id: `evt_test_${s.id}`,
      object: "event",
      type: "charge.succeeded",
      livemode: false,
      created: Math.floor(Date.now() / 1000),
      data: {
        object: { id: `ch_test_${s.id}`, object: "charge", payment_intent: `pi_test_${s.id}`, amount: s.amount, amount_refunded: 0, currency: s.currency.toLowerCase(), billing_details: { email: s.email, phone: null } },
      },
    });
    const headers = new Headers({ "content-type": "application/json", "stripe-signature": Stripe.webhooks.generateTestHeaderString({ payload: rawBody, secret }) });
    return { url, headers, rawBody };
  },
};

/** The event type for the log of a refused delivery (read from a body nobody vouched for, as text only). */
function topicOf(rawBody: string): string {
  const match = /"type"\s*:\s*"([a-z_.]{1,60})"/.exec(rawBody);
  return match?.[1] ?? "unknown";
}
