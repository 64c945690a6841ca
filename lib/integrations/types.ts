import type { ConnectorProvider } from "../../db/schema";

/** One webhook request as it arrived: the URL the merchant pasted (from APP_URL), the headers, the raw body. */
export type Delivery = { url: string; headers: Headers; rawBody: string };

/** What a provider's event means for the program, in the pipeline's terms (lib/integrations/receive.ts). */
export type Mapped =
  | {
      kind: "purchase";
      topic: string;
      externalId: string;
      /** Idempotency key: a second delivery with it changes nothing (Shopify: the order; Stripe: the payment intent; Square: the payment). */
      key: string;
      /** Minor units, or null when the provider's amount could not be read. */
      amount: number | null;
      currency: string;
      email: string | null;
      phone: string | null;
    }
  | {
      kind: "refund";
      topic: string;
      externalId: string;
      key: string;
      /** The key of the purchase refunded. */
      orderKey: string;
      amount: number | null;
      currency: string;
      /** The amount is the purchase's refunded total so far (Stripe's amount_refunded), not this refund's. */
      cumulative: boolean;
    }
  | { kind: "ignored"; topic: string; externalId: string | null; message: string };

export type Verified = { ok: true; topic: string; payload: unknown } | { ok: false; topic: string; reason: string };

export type Adapter = {
  provider: ConnectorProvider;
  label: string;
  /** Where in the provider's admin the merchant creates the webhook, and which events to pick. */
  topics: string[];
  /** Checks the signature with the provider's SDK and reads the body. */
  verify(delivery: Delivery, secret: string): Promise<Verified>;
  /** Maps a verified event; never throws on odd payloads (they are `ignored` with a reason). */
  map(topic: string, payload: unknown): Mapped;
  /** A signed sample purchase, as the provider would send it: the "send a test event" button. */
  sample(url: string, secret: string, sample: { id: string; email: string; amount: number; currency: string }): Delivery;
};

export function lowerEmail(value: unknown): string | null {
  return typeof value === "string" && value.includes("@") ? value.trim().toLowerCase() : null;
}

export function text(value: unknown): string | null {
  return typeof value === "string" && value.trim() ? value.trim() : typeof value === "number" ? String(value) : null;
}
