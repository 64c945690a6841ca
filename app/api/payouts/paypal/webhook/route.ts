import { dbReady } from "@/db/client";
import { receivePaypalWebhook } from "@/lib/payouts/webhooks";
import { readJson } from "@/app/api/_http/body";
import { json, problemResponse } from "@/app/api/_http/problem";

export const dynamic = "force-dynamic";

// POST /api/payouts/paypal/webhook — PayPal's PAYMENT.PAYOUTS-ITEM.* events (signature confirmed with PayPal)
export async function POST(request: Request): Promise<Response> {
  try {
    const result = await receivePaypalWebhook(await dbReady(), request.headers, await readJson(request));
    return json(200, { received: true, duplicate: result.duplicate, outcome: result.outcome });
  } catch (error) {
    return problemResponse(error);
  }
}
