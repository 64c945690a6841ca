import { ZodError } from "zod";
import { dbReady } from "@/db/client";
import { clientIpKey } from "@/lib/http/client-ip";
import { setOwnPaypalEmail } from "@/lib/payouts/accounts";
import { limitCardTraffic } from "../../../../_public";
import { backToPayouts, noteFor, TOKEN } from "../shared";

export const dynamic = "force-dynamic";

// GET /c/{token}/payouts/paypal — back to the card page, whose PayPal form POSTs here
export async function GET(_request: Request, { params }: { params: Promise<{ token: string }> }): Promise<Response> {
  const { token } = await params;
  return TOKEN.test(token) ? backToPayouts(token) : new Response(null, { status: 404 });
}

// POST /c/{token}/payouts/paypal — the card's holder gives (or removes) the PayPal email their cashback is paid to
export async function POST(request: Request, { params }: { params: Promise<{ token: string }> }): Promise<Response> {
  const { token } = await params;
  if (!TOKEN.test(token)) return new Response(null, { status: 404 });
  try {
    const form = await request.formData().catch(() => null);
    await limitCardTraffic(clientIpKey(request.headers), token, "payouts");
    await setOwnPaypalEmail(await dbReady(), { token, email: String(form?.get("email") ?? "").trim() });
    return backToPayouts(token, "paypal-saved");
  } catch (error) {
    if (error instanceof ZodError) return backToPayouts(token, "paypal-invalid");
    return backToPayouts(token, noteFor(error));
  }
}
