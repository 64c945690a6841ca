import Stripe from "stripe";
import { z } from "zod";
import type { Executor } from "../../db/client";
import { env } from "../env";
import { AppError } from "../errors";
import { stripeAccountUpdated } from "./accounts";
import { verifyPaypalWebhook } from "./providers/paypal";
import { stripeClient } from "./providers/stripe";
import { applyProviderEvent, type ProviderEvent, type ReconcileResult } from "./reconcile";

/*
 * The platform-level webhooks of the payout providers (Keepcard's own Stripe and PayPal accounts):
 * each delivery is verified the provider's way, mapped to what it says about one payout, and
 * applied once (lib/payouts/reconcile.ts).
 */

export type WebhookResult = (ReconcileResult & { merchantId: string | null }) | { duplicate: false; outcome: "account_updated" | "ignored"; merchantId: null };

/** A Stripe delivery: `constructEvent` checks the Stripe-Signature header against STRIPE_WEBHOOK_SECRET over the raw body. */
export async function receiveStripeWebhook(db: Executor, rawBody: string, signature: string | null): Promise<WebhookResult> {
  if (!env.STRIPE_WEBHOOK_SECRET) throw new AppError("unavailable", "Stripe webhooks are not configured on this server (STRIPE_WEBHOOK_SECRET).");
  let event: Stripe.Event;
  try {
    event = stripeClient().webhooks.constructEvent(rawBody, signature ?? "", env.STRIPE_WEBHOOK_SECRET);
  } catch (error) {
    if (error instanceof Stripe.errors.StripeSignatureVerificationError) throw new AppError("malformed", "The Stripe-Signature header does not match the body.");
    throw new AppError("malformed", "Not a Stripe event.");
  }
  if (event.type === "account.updated") {
    await stripeAccountUpdated(db, event.data.object);
    return { duplicate: false, outcome: "account_updated", merchantId: null };
  }
  const mapped = stripeOutcome(event);
  if (!mapped) return { duplicate: false, outcome: "ignored", merchantId: null };
  return applyProviderEvent(db, { provider: "stripe", eventId: event.id, type: event.type, ...mapped });
}

function stripeOutcome(event: Stripe.Event): Pick<ProviderEvent, "payoutId" | "reference" | "outcome" | "reason"> | null {
  // transfer.failed is sent by older API versions; newer ones only reverse.
  const type = event.type as string;
  if (!type.startsWith("transfer.")) return null;
  const transfer = event.data.object as Stripe.Transfer;
  const payoutId = typeof transfer.metadata?.payoutId === "string" ? transfer.metadata.payoutId : null;
  if (!payoutId) return null;
  if (type === "transfer.failed" || (type === "transfer.reversed" && transfer.amount_reversed >= transfer.amount)) {
    return { payoutId, reference: transfer.id, outcome: "returned", reason: `stripe: ${type}` };
  }
  // The transfer exists: a run that crashed before writing its outcome is caught up.
  if (type === "transfer.created") return { payoutId, reference: transfer.id, outcome: "paid" };
  return { payoutId, reference: transfer.id, outcome: "ignore" };
}

const PaypalEvent = z.object({
  id: z.string().min(1).max(200),
  event_type: z.string().min(1).max(200),
  resource: z
    .object({
      payout_batch_id: z.string().optional(),
      transaction_status: z.string().optional(),
      payout_item: z.object({ sender_item_id: z.string().optional() }).partial().optional(),
    })
    .passthrough()
    .optional(),
});

const RETURNED = new Set(["FAILED", "RETURNED", "BLOCKED", "REFUNDED", "REVERSED", "DENIED", "CANCELED"]);

/** A PayPal delivery: PayPal itself confirms the transmission signature for PAYPAL_WEBHOOK_ID (verify-webhook-signature). */
export async function receivePaypalWebhook(db: Executor, headers: Headers, body: unknown): Promise<WebhookResult> {
  const parsed = PaypalEvent.safeParse(body);
  if (!parsed.success) throw new AppError("malformed", "Not a PayPal webhook event.");
  if (!(await verifyPaypalWebhook(headers, body))) throw new AppError("malformed", "PayPal did not confirm this webhook's signature.");
  const event = parsed.data;
  const match = event.event_type.match(/^PAYMENT\.PAYOUTS-ITEM\.([A-Z]+)$/);
  const payoutId = event.resource?.payout_item?.sender_item_id ?? null;
  if (!match || !payoutId) return { duplicate: false, outcome: "ignored", merchantId: null };
  const what = match[1]!;
  // UNCLAIMED and HELD are not final: PayPal returns an unclaimed payout after 30 days (RETURNED).
  const outcome = what === "SUCCEEDED" ? "paid" : RETURNED.has(what) ? "returned" : "ignore";
  return applyProviderEvent(db, { provider: "paypal", eventId: event.id, type: event.event_type, payoutId, reference: event.resource?.payout_batch_id ?? null, outcome, reason: `paypal: ${what.toLowerCase()}` });
}
