import "@shopify/shopify-api/adapters/web-api";
import { createHmac } from "node:crypto";
import { ApiVersion, LogSeverity, shopifyApi } from "@shopify/shopify-api";
import { z } from "zod";
import { decimalToMinor, formatDecimal } from "../money";
import { lowerEmail, text, type Adapter, type Delivery, type Mapped } from "./types";

/**
 * Shopify, through a custom app's webhooks (Settings → Apps → Develop apps → the app's API secret
 * key signs them): orders/paid earns, refunds/create takes back. The HMAC is checked by
 * @shopify/shopify-api's webhooks.validate, with the connector's secret as the app secret.
 */

const API_VERSION = ApiVersion.January25;

function api(secret: string) {
  return shopifyApi({
    apiKey: "keepcard",
    apiSecretKey: secret,
    hostName: "localhost",
    apiVersion: API_VERSION,
    isEmbeddedApp: false,
    isCustomStoreApp: false,
    logger: { level: LogSeverity.Error, log: async () => {} },
  });
}

const Order = z.object({
  id: z.union([z.number(), z.string()]),
  name: z.string().optional(),
  email: z.string().nullish(),
  contact_email: z.string().nullish(),
  phone: z.string().nullish(),
  currency: z.string(),
  total_price: z.string(),
  customer: z.object({ email: z.string().nullish(), phone: z.string().nullish() }).nullish(),
});

const Refund = z.object({
  id: z.union([z.number(), z.string()]),
  order_id: z.union([z.number(), z.string()]),
  transactions: z.array(z.object({ kind: z.string(), status: z.string().nullish(), amount: z.string(), currency: z.string().nullish() })).default([]),
});

export const shopify: Adapter = {
  provider: "shopify",
  label: "Shopify",
  topics: ["orders/paid", "refunds/create"],

  async verify(delivery, secret) {
    const topic = delivery.headers.get("x-shopify-topic") ?? "unknown";
    const request = new Request(delivery.url, { method: "POST", headers: delivery.headers, body: delivery.rawBody });
    const result = await api(secret).webhooks.validate({ rawBody: delivery.rawBody, rawRequest: request });
    if (!result.valid) return { ok: false, topic, reason: result.reason === "invalid_hmac" ? "The X-Shopify-Hmac-Sha256 signature does not match the secret." : `Not a Shopify webhook (${result.reason}).` };
    try {
      return { ok: true, topic, payload: JSON.parse(delivery.rawBody) as unknown };
    } catch {
      return { ok: false, topic, reason: "The body is not JSON." };
    }
  },

  map(topic, payload): Mapped {
    if (topic === "orders/paid") {
      const order = Order.safeParse(payload);
      if (!order.success) return { kind: "ignored", topic, externalId: null, message: "The order has no id, currency or total." };
      const o = order.data;
      const currency = o.currency.toUpperCase();
      return {
        kind: "purchase",
        topic,
        externalId: o.name ? `${o.name} (${o.id})` : String(o.id),
        key: `order:${o.id}`,
        amount: decimalToMinor(o.total_price, currency),
        currency,
        email: lowerEmail(o.email) ?? lowerEmail(o.contact_email) ?? lowerEmail(o.customer?.email),
        phone: text(o.phone) ?? text(o.customer?.phone),
      };
    }
    if (topic === "refunds/create") {
      const refund = Refund.safeParse(payload);
      if (!refund.success) return { kind: "ignored", topic, externalId: null, message: "The refund has no id or order." };
      const r = refund.data;
      const money = r.transactions.filter((t) => t.kind === "refund" && (t.status ?? "success") === "success");
      const currency = (money[0]?.currency ?? "").toUpperCase();
      if (money.length === 0 || !currency) return { kind: "ignored", topic, externalId: String(r.id), message: "The refund returned no money (no successful refund transaction)." };
      let amount: number | null = 0;
      for (const t of money) {
        const minor = decimalToMinor(t.amount, currency);
        amount = amount === null || minor === null || (t.currency ?? currency).toUpperCase() !== currency ? null : amount + minor;
      }
      return { kind: "refund", topic, externalId: String(r.id), key: `refund:${r.id}`, orderKey: `order:${r.order_id}`, amount, currency, cumulative: false };
    }
    return { kind: "ignored", topic, externalId: null, message: `Keepcard does not act on ${topic}.` };
  },

  sample(url, secret, s): Delivery {
    const rawBody = JSON.stringify({
      id: s.id,
      name: "#TEST",
      email: s.email,
      phone: null,
      currency: s.currency,
      total_price: formatDecimal(s.amount, s.currency),
      customer: { email: s.email, phone: null },
      test: true,
    });
    const headers = new Headers({
      "content-type": "application/json",
      "x-shopify-topic": "orders/paid",
      "x-shopify-hmac-sha256": shopifyHmac(rawBody, secret),
      "x-shopify-shop-domain": "keepcard-test.myshopify.com",
      "x-shopify-api-version": API_VERSION,
      "x-shopify-webhook-id": `test-${s.id}`,
      "x-shopify-triggered-at": new Date().toISOString(),
    });
    return { url, headers, rawBody };
  },
};

/** X-Shopify-Hmac-Sha256: base64 HMAC-SHA256 of the raw body under the app's secret. */
export function shopifyHmac(rawBody: string, secret: string): string {
  return createHmac("sha256", secret).update(rawBody, "utf8").digest("base64");
}
