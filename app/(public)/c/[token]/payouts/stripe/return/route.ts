import { dbReady } from "@/db/client";
import { clientIpKey } from "@/lib/http/client-ip";
import { finishStripeOnboarding } from "@/lib/payouts/accounts";
import { limitCardTraffic } from "../../../../../_public";
import { backToPayouts, noteFor, TOKEN } from "../../shared";

export const dynamic = "force-dynamic";

// GET /c/{token}/payouts/stripe/return — Stripe's return_url: asks Stripe whether the account is ready, back to the card page
export async function GET(request: Request, { params }: { params: Promise<{ token: string }> }): Promise<Response> {
  const { token } = await params;
  if (!TOKEN.test(token)) return new Response(null, { status: 404 });
  try {
    await limitCardTraffic(clientIpKey(request.headers), token, "payouts");
    const { ready } = await finishStripeOnboarding(await dbReady(), { token });
    return backToPayouts(token, ready ? "stripe-linked" : "stripe-unfinished");
  } catch (error) {
    return backToPayouts(token, noteFor(error));
  }
}
