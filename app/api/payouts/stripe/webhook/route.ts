import { dbReady } from "@/db/client";
import { receiveStripeWebhook } from "@/lib/payouts/webhooks";
import { json, problemResponse } from "@/app/api/_http/problem";

export const dynamic = "force-dynamic";

// POST /api/payouts/stripe/webhook — Stripe's events about payout transfers and linked accounts (Stripe-Signature verified)
export async function POST(request: Request): Promise<Response> {
  try {
    // The signature covers the body byte for byte: read it as text, never re-serialized.
    const result = await receiveStripeWebhook(await dbReady(), await request.text(), request.headers.get("stripe-signature"));
    return json(200, { received: true, duplicate: result.duplicate, outcome: result.outcome });
  } catch (error) {
    return problemResponse(error);
  }
}
