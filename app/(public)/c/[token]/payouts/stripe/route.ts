import { dbReady } from "@/db/client";
import { clientIpKey } from "@/lib/http/client-ip";
import { startStripeOnboarding } from "@/lib/payouts/accounts";
import { limitCardTraffic } from "../../../../_public";
import { backToPayouts, noteFor, TOKEN } from "../shared";

export const dynamic = "force-dynamic";

async function onboard(request: Request, token: string): Promise<Response> {
  if (!TOKEN.test(token)) return new Response(null, { status: 404 });
  try {
    await limitCardTraffic(clientIpKey(request.headers), token, "payouts");
    const { url } = await startStripeOnboarding(await dbReady(), { token });
    // Stripe's own onboarding page, as Stripe's API answered it.
    return new Response(null, { status: 303, headers: { location: url } });
  } catch (error) {
    return backToPayouts(token, noteFor(error));
  }
}

// POST /c/{token}/payouts/stripe — the holder links a Stripe Express account: off to Stripe's onboarding
export async function POST(request: Request, { params }: { params: Promise<{ token: string }> }): Promise<Response> {
  return onboard(request, (await params).token);
}

// GET /c/{token}/payouts/stripe — Stripe's refresh_url (the onboarding link expired): a fresh link for the same account
export async function GET(request: Request, { params }: { params: Promise<{ token: string }> }): Promise<Response> {
  return onboard(request, (await params).token);
}
