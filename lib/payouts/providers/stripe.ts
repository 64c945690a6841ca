import Stripe from "stripe";
import { env } from "../../env";
import { AppError } from "../../errors";
import type { PayoutOutcome, PayoutProvider } from "./types";

/** Under Stripe's 24 hours, with room for clocks and a slow run. */
const KEY_LIFETIME_MS = 20 * 3_600_000;

let client: Stripe | null = null;
let clientFor = "";

/**
 * Keepcard's Stripe platform client (Connect), on STRIPE_API_BASE. The SDK's own retries are off:
 * the payout run retries with the payout's idempotency key, so a retry after a crash and a retry
 * after a timeout are the same request to Stripe.
 */
export function stripeClient(): Stripe {
  if (!env.STRIPE_SECRET_KEY) throw new AppError("unavailable", "Stripe payouts are not configured on this server (STRIPE_SECRET_KEY).");
  const key = `${env.STRIPE_SECRET_KEY}|${env.STRIPE_API_BASE}|${env.PAYOUT_TIMEOUT_MS}`;
  if (!client || clientFor !== key) {
    const base = new URL(env.STRIPE_API_BASE);
    const protocol = base.protocol === "http:" ? "http" : "https";
    client = new Stripe(env.STRIPE_SECRET_KEY, {
      host: base.hostname,
      port: base.port ? Number(base.port) : protocol === "http" ? 80 : 443,
      protocol,
      maxNetworkRetries: 0,
      timeout: env.PAYOUT_TIMEOUT_MS,
      telemetry: false,
      appInfo: { name: "Keepcard" },
    });
    clientFor = key;
  }
  return client;
}

/** Whether a failed Stripe call may be repeated (network, rate limit, Stripe's side) or is final (the request itself is wrong). */
function retryable(error: unknown): boolean {
  if (!(error instanceof Stripe.errors.StripeError)) return true;
  if (error instanceof Stripe.errors.StripeConnectionError || error instanceof Stripe.errors.StripeAPIError || error instanceof Stripe.errors.StripeRateLimitError) return true;
  if (error instanceof Stripe.errors.StripeIdempotencyError) return true; // the same key still in flight
  return (error.statusCode ?? 500) >= 500;
}

function describe(error: unknown): string {
  if (error instanceof Stripe.errors.StripeError) return `stripe ${error.statusCode ?? "network"}: ${error.code ?? error.type}${error.message ? ` (${error.message.slice(0, 200)})` : ""}`;
  return "stripe: request failed";
}

/**
 * Stripe Connect: each payout is a transfer from Keepcard's platform balance to the customer's
 * linked Express account, sent with the payout's idempotency key (Stripe answers a repeat with the
 * first transfer). A transfer is final when created; a later reversal comes by webhook.
 */
export function stripeProvider(): PayoutProvider {
  return {
    name: "stripe",
    automatic: true,
    async pay(request): Promise<PayoutOutcome> {
      if (!request.stripeAccountId) return { ok: false, retryable: false, error: "the customer has not linked a Stripe account" };
      try {
        // Stripe forgets idempotency keys after 24 hours: a payout reserved long ago (a run that
        // crashed yesterday) is looked up by its transfer group before it is sent again.
        if (request.reservedAt && Date.now() - request.reservedAt.getTime() > KEY_LIFETIME_MS) {
          const existing = await stripeClient().transfers.list({ transfer_group: request.payoutId, limit: 1 });
          if (existing.data[0]) return { ok: true, reference: existing.data[0].id };
        }
        const transfer = await stripeClient().transfers.create(
          {
            amount: request.amount,
            currency: request.currency.toLowerCase(),
            destination: request.stripeAccountId,
            transfer_group: request.payoutId,
            description: "Cashback",
            metadata: { payoutId: request.payoutId, cardId: request.cardId, programId: request.programId, merchantId: request.merchantId },
          },
          { idempotencyKey: request.idempotencyKey },
        );
        return { ok: true, reference: transfer.id };
      } catch (error) {
        return { ok: false, retryable: retryable(error), error: describe(error) };
      }
    },
  };
}
