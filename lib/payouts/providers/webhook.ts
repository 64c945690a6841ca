import type { PayoutSettings } from "../../../db/schema";
import { decryptSecret } from "../../crypto/secrets";
import { env } from "../../env";
import { postSigned, signedHeaders } from "../../webhooks/sign";
import type { PayoutProvider } from "./types";

/**
 * The merchant's payout endpoint: a Standard Webhooks-signed POST with an Idempotency-Key of the
 * payout. Any 2xx means paid; a `reference` in the JSON answer is kept.
 */
export function webhookProvider(settings: Pick<PayoutSettings, "endpointUrl" | "secret">, timeoutMs = env.PAYOUT_TIMEOUT_MS): PayoutProvider {
  if (!settings.endpointUrl || !settings.secret) throw new Error("the webhook payout provider needs an endpoint URL and a secret");
  const { endpointUrl } = settings;
  // Stored encrypted (lib/crypto/secrets.ts); a row from before encryption is read as it is.
  const secret = decryptSecret(settings.secret);
  return {
    name: "webhook",
    automatic: true,
    async pay(request) {
      // The customer's Stripe and PayPal details are not the merchant's business.
      const { stripeAccountId: _s, paypalEmail: _p, reservedAt: _r, ...data } = request;
      const body = JSON.stringify({ type: "payout.requested", timestamp: new Date().toISOString(), data });
      const headers = { ...signedHeaders(secret, request.payoutId, body), "idempotency-key": request.idempotencyKey };
      const outcome = await postSigned(endpointUrl, headers, body, timeoutMs);
      if (!outcome.ok) return { ok: false, retryable: outcome.retryable, error: outcome.error ?? "failed" };
      let reference: string | null = null;
      try {
        const parsed = JSON.parse(outcome.body ?? "") as { reference?: unknown };
        if (typeof parsed.reference === "string") reference = parsed.reference.slice(0, 200);
      } catch {
        /* an empty or non-JSON 2xx still means paid */
      }
      return { ok: true, reference };
    },
  };
}

/** Paid by hand: the run exports a CSV and someone marks the payouts paid. */
export const manualProvider: PayoutProvider = {
  name: "manual",
  automatic: false,
  async pay() {
    return { ok: false, retryable: false, error: "manual payouts are marked paid from the dashboard" };
  },
};
