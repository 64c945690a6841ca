import { dbReady } from "@/db/client";
import { unsubscribeByLink } from "@/lib/customers/self-service";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { clientIpKey } from "@/lib/http/client-ip";
import { enforceRateLimit } from "@/lib/rate-limit";
import { problemResponse } from "@/app/api/_http/problem";

export const dynamic = "force-dynamic";

const TOKEN = /^[A-Za-z0-9_-]{20,400}\.[A-Za-z0-9_-]{20,200}$/;
const confirmPage = (token: string, done = false) =>
  new Response(null, { status: 303, headers: { location: `${env.APP_URL.replace(/\/$/, "")}/email/unsubscribe/${token}/confirm${done ? "?done=1" : ""}` } });

// GET /email/unsubscribe/{token} — the link in a marketing email: to the page that asks first
// (mail scanners open links; only the POST unsubscribes)
export async function GET(_request: Request, { params }: { params: Promise<{ token: string }> }): Promise<Response> {
  const { token } = await params;
  if (!TOKEN.test(token)) return problemResponse(new AppError("not_found", "This unsubscribe link is not valid."));
  return confirmPage(token);
}

// POST /email/unsubscribe/{token} — one-click unsubscribe (RFC 8058: the mail client POSTs
// "List-Unsubscribe=One-Click" here, without a session); the confirmation page's button too, which
// goes back to the page
export async function POST(request: Request, { params }: { params: Promise<{ token: string }> }): Promise<Response> {
  const { token } = await params;
  try {
    await enforceRateLimit("publicIp", `unsubscribe:ip:${clientIpKey(request.headers)}`);
    if (!TOKEN.test(token)) throw new AppError("not_found", "This unsubscribe link is not valid.");
    const form = await request.formData().catch(() => null);
    await unsubscribeByLink(await dbReady(), { token });
    if (form?.get("from") === "page") return confirmPage(token, true);
    return new Response("Unsubscribed.\n", { status: 200, headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" } });
  } catch (error) {
    return problemResponse(error);
  }
}
