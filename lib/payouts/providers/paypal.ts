import { ApiError, Client, Environment } from "@paypal/paypal-server-sdk";
import { z } from "zod";
import { env } from "../../env";
import { AppError } from "../../errors";
import { formatDecimal } from "../../money";
import type { PayoutOutcome, PayoutProvider, PayoutRequest } from "./types";

/** The origin the SDK's Production environment talks to; requests are rebased onto PAYPAL_API_BASE. */
const SDK_ORIGIN = "https://api-m.paypal.com";

type Factory = ReturnType<Client["getRequestBuilderFactory"]>;

/**
 * The PayPal Server SDK's client, pointed at PAYPAL_API_BASE. The SDK knows only its two built-in
 * environments; every request it builds (its OAuth token request included) is rebased onto the
 * configured origin, so the sandbox or a local fake get exactly the requests PayPal would.
 */
class RebasedClient extends Client {
  private rebased: Factory | null = null;
  override getRequestBuilderFactory(): Factory {
    const base = super.getRequestBuilderFactory();
    const origin = new URL(env.PAYPAL_API_BASE).origin;
    if (origin === SDK_ORIGIN) return base;
    this.rebased ??= ((method: Parameters<Factory>[0], path?: string) => {
      const request = base(method, path);
      request.interceptRequest((r) => ({ ...r, url: r.url.startsWith(SDK_ORIGIN) ? origin + r.url.slice(SDK_ORIGIN.length) : r.url }));
      return request;
    }) as Factory;
    return this.rebased;
  }
}

let client: RebasedClient | null = null;
let clientFor = "";

export function paypalClient(): RebasedClient {
  if (!env.PAYPAL_CLIENT_ID || !env.PAYPAL_CLIENT_SECRET) throw new AppError("unavailable", "PayPal payouts are not configured on this server (PAYPAL_CLIENT_ID, PAYPAL_CLIENT_SECRET).");
  const key = `${env.PAYPAL_CLIENT_ID}|${env.PAYPAL_API_BASE}|${env.PAYOUT_TIMEOUT_MS}`;
  if (!client || clientFor !== key) {
    client = new RebasedClient({
      clientCredentialsAuthCredentials: { oAuthClientId: env.PAYPAL_CLIENT_ID, oAuthClientSecret: env.PAYPAL_CLIENT_SECRET },
      environment: Environment.Production,
      timeout: env.PAYOUT_TIMEOUT_MS,
      // No logging option: the SDK's default logs nothing (items carry customers' email addresses).
    });
    clientFor = key;
  }
  return client;
}

/** A JSON call through the SDK's request builder (OAuth token, retries off, errors as ApiError). */
async function call<T>(schema: z.ZodType<T>, method: "GET" | "POST", path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
  const request = paypalClient().getRequestBuilderFactory()(method, path);
  request.baseUrl("default");
  // Bearer token from the SDK's client-credentials manager (fetched and renewed by the SDK).
  request.authenticate([{ oauth2: true }]);
  request.header("Content-Type", "application/json");
  for (const [name, value] of Object.entries(headers)) request.header(name, value);
  if (body !== undefined) request.json(body);
  const { result } = await request.callAsText();
  return schema.parse(JSON.parse(result));
}

const BatchResponse = z.object({ batch_header: z.object({ payout_batch_id: z.string(), batch_status: z.string() }) });

/** PayPal's answers that say the batch was refused as a whole and nothing was created. */
const REFUSED = new Set(["VALIDATION_ERROR", "MALFORMED_REQUEST", "INSUFFICIENT_FUNDS", "RECEIVER_UNREGISTERED"]);

function describe(error: unknown): { retryable: boolean; error: string; rebatch?: boolean } {
  if (error instanceof ApiError) {
    let name = "";
    try {
      name = String((JSON.parse(String(error.body)) as { name?: unknown }).name ?? "");
    } catch {
      /* not JSON */
    }
    const retryable = error.statusCode >= 500 || error.statusCode === 429 || error.statusCode === 409;
    return { retryable, error: `paypal ${error.statusCode}${name ? `: ${name}` : ""}`, rebatch: !retryable && REFUSED.has(name) };
  }
  if (error instanceof AppError) return { retryable: false, error: error.message };
  return { retryable: true, error: "paypal: request failed" };
}

/**
 * PayPal Payouts: a run's payouts go out as batches (POST /v1/payments/payouts), one item per
 * payout to the customer's PayPal email. The batch's sender_batch_id and PayPal-Request-Id are
 * the batch id derived from the run, written on its payouts before the call, so a retry is the
 * same batch under the same id and PayPal pays it once. Each item's sender_item_id is the payout's
 * id; whether it arrived comes by webhook (PAYMENT.PAYOUTS-ITEM.*).
 */
export function paypalProvider(): PayoutProvider {
  const payBatch = async (batchId: string, requests: PayoutRequest[]): Promise<PayoutOutcome> => {
    const items = requests.filter((r) => r.paypalEmail);
    if (items.length === 0) return { ok: false, retryable: false, error: "no PayPal email to pay" };
    try {
      const response = await call(
        BatchResponse,
        "POST",
        "/v1/payments/payouts",
        {
          sender_batch_header: { sender_batch_id: batchId, email_subject: "You have cashback", email_message: "Your cashback has arrived." },
          items: items.map((r) => ({
            recipient_type: "EMAIL",
            receiver: r.paypalEmail,
            amount: { value: formatDecimal(r.amount, r.currency), currency: r.currency },
            sender_item_id: r.payoutId,
            note: "Cashback",
          })),
        },
        { "PayPal-Request-Id": batchId },
      );
      return { ok: true, reference: response.batch_header.payout_batch_id, sent: true };
    } catch (error) {
      return { ok: false, ...describe(error) };
    }
  };
  return {
    name: "paypal",
    automatic: true,
    payBatch,
    pay: (request) => payBatch(request.idempotencyKey, [request]),
  };
}

const Verification = z.object({ verification_status: z.string() });

/**
 * Asks PayPal whether a webhook delivery is genuine (POST /v1/notifications/verify-webhook-signature
 * with the transmission headers, PAYPAL_WEBHOOK_ID and the event as received).
 */
export async function verifyPaypalWebhook(headers: Headers, event: unknown): Promise<boolean> {
  if (!env.PAYPAL_WEBHOOK_ID) throw new AppError("unavailable", "PayPal webhooks are not configured on this server (PAYPAL_WEBHOOK_ID).");
  const get = (name: string) => headers.get(name) ?? "";
  if (!get("paypal-transmission-sig") || !get("paypal-transmission-id")) return false;
  const { verification_status } = await call(Verification, "POST", "/v1/notifications/verify-webhook-signature", {
    auth_algo: get("paypal-auth-algo"),
    cert_url: get("paypal-cert-url"),
    transmission_id: get("paypal-transmission-id"),
    transmission_sig: get("paypal-transmission-sig"),
    transmission_time: get("paypal-transmission-time"),
    webhook_id: env.PAYPAL_WEBHOOK_ID,
    webhook_event: event,
  });
  return verification_status === "SUCCESS";
}
