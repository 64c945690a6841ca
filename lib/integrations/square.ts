import { createHmac } from "node:crypto";
import { WebhooksHelper } from "square";
import { z } from "zod";
import { lowerEmail, type Adapter, type Delivery, type Mapped } from "./types";

/**
 * Square, through a webhook subscription of the merchant's Square app (Developer Console →
 * Webhooks → Subscriptions; its signature key): payment.updated with status COMPLETED earns,
 * refund.created / refund.updated with status COMPLETED takes back. Verified with the SDK's
 * WebhooksHelper: x-square-hmacsha256-signature over the notification URL (the one shown on the
 * setup page, from APP_URL) followed by the body.
 */

const Money = z.object({ amount: z.number().int(), currency: z.string() });

const Payment = z.object({
  id: z.string(),
  status: z.string(),
  amount_money: Money,
  buyer_email_address: z.string().nullish(),
});

const Refund = z.object({ id: z.string(), status: z.string(), payment_id: z.string(), amount_money: Money });

const Event = z.object({
  type: z.string(),
  event_id: z.string().optional(),
  data: z.object({ object: z.record(z.string(), z.unknown()) }),
});

export const square: Adapter = {
  provider: "square",
  label: "Square",
  topics: ["payment.updated", "refund.created", "refund.updated"],

  async verify(delivery, secret) {
    const signatureHeader = delivery.headers.get("x-square-hmacsha256-signature") ?? "";
    const valid = signatureHeader
      ? await WebhooksHelper.verifySignature({ requestBody: delivery.rawBody, signatureHeader, signatureKey: secret, notificationUrl: delivery.url })
      : false;
    let body: unknown = null;
    try {
      body = JSON.parse(delivery.rawBody) as unknown;
    } catch {
      // Refused below either way.
    }
    const event = Event.safeParse(body);
    const topic = event.success ? event.data.type : "unknown";
    if (!valid) return { ok: false, topic, reason: "The x-square-hmacsha256-signature does not match the signature key and this notification URL." };
    if (!event.success) return { ok: false, topic, reason: "Not a Square event." };
    return { ok: true, topic, payload: event.data.data.object };
  },

  map(topic, object): Mapped {
    if (topic === "payment.updated" || topic === "payment.created") {
      const p = Payment.safeParse((object as Record<string, unknown>).payment);
      if (!p.success) return { kind: "ignored", topic, externalId: null, message: "The payment has no id, status or amount." };
      const payment = p.data;
      if (payment.status !== "COMPLETED") return { kind: "ignored", topic, externalId: payment.id, message: `The payment is ${payment.status}: it earns once COMPLETED.` };
      return {
        kind: "purchase",
        topic,
        externalId: payment.id,
        key: `payment:${payment.id}`,
        amount: payment.amount_money.amount,
        currency: payment.amount_money.currency.toUpperCase(),
        email: lowerEmail(payment.buyer_email_address),
        phone: null,
      };
    }
    if (topic === "refund.created" || topic === "refund.updated") {
      const r = Refund.safeParse((object as Record<string, unknown>).refund);
      if (!r.success) return { kind: "ignored", topic, externalId: null, message: "The refund has no id, payment or amount." };
      const refund = r.data;
      if (refund.status !== "COMPLETED") return { kind: "ignored", topic, externalId: refund.id, message: `The refund is ${refund.status}: points come back once it is COMPLETED.` };
      return {
        kind: "refund",
        topic,
        externalId: refund.id,
        key: `refund:${refund.id}`,
        orderKey: `payment:${refund.payment_id}`,
        amount: refund.amount_money.amount,
        currency: refund.amount_money.currency.toUpperCase(),
        cumulative: false,
      };
    }
    return { kind: "ignored", topic, externalId: null, message: `Keepcard does not act on ${topic}.` };
  },

  sample(url, secret, s): Delivery {
    const rawBody = JSON.stringify({
      merchant_id: "TEST",
      type: "payment.updated",
      event_id: `test-${s.id}`,
      created_at: new Date().toISOString(),
      data: {
        type: "payment",
        id: `test-${s.id}`,
        object: { payment: { id: `test-${s.id}`, status: "COMPLETED", amount_money: { amount: s.amount, currency: s.currency }, buyer_email_address: s.email } },
      },
    });
    const headers = new Headers({ "content-type": "application/json", "x-square-hmacsha256-signature": squareSignature(url, rawBody, secret) });
    return { url, headers, rawBody };
  },
};

/** x-square-hmacsha256-signature: base64 HMAC-SHA256 of notification URL + raw body under the signature key. */
export function squareSignature(url: string, rawBody: string, secret: string): string {
  return createHmac("sha256", secret).update(url + rawBody, "utf8").digest("base64");
}
