import type { NextRequest } from "next/server";
import { handlers } from "@/auth";
import { dbReady } from "@/db/client";
import { passkeyPassed } from "@/lib/auth/sessions";
import { SESSION_COOKIES, currentSignIn } from "../../../_server/session";

const PASSKEY_OPTIONS = "/api/auth/webauthn-options/passkey";
const PASSKEY_CALLBACK = "/api/auth/callback/passkey";

const refuse = (status: number, error: string) => Response.json({ error }, { status, headers: { "cache-control": "no-store" } });

/**
 * What Auth.js's passkey endpoints may not do here. Signing in with a passkey is always allowed
 * (discoverable credentials: no email, so no probing which addresses have passkeys). Adding one
 * needs a session past its second factor: Auth.js alone would let anyone create an account with
 * any unverified address, or let a sign-in waiting for its second factor add a passkey to skip it.
 */
async function passkeyRefusal(action: unknown, withEmail: boolean): Promise<Response | null> {
  if (withEmail) return refuse(400, "Passkeys here sign in without an email address.");
  if (action === "authenticate") return null;
  if (action !== "register") return refuse(400, "Say whether to register a passkey or sign in with one.");
  const signIn = await currentSignIn();
  if (!signIn) return refuse(401, "Sign in before adding a passkey.");
  if (signIn.pending) return refuse(403, "Finish signing in with your second factor before adding a passkey.");
  return null;
}

function sessionTokenSet(response: Response): string | null {
  for (const line of response.headers.getSetCookie()) {
    const [pair] = line.split(";");
    const eq = pair!.indexOf("=");
    const name = pair!.slice(0, eq).trim();
    const value = pair!.slice(eq + 1).trim();
    if ((SESSION_COOKIES as readonly string[]).includes(name) && value) return value;
  }
  return null;
}

// GET /api/auth/* — next-auth: magic-link callback, Google OAuth, session, passkey options
export async function GET(request: NextRequest): Promise<Response> {
  if (request.nextUrl.pathname === PASSKEY_OPTIONS) {
    const refusal = await passkeyRefusal(request.nextUrl.searchParams.get("action") ?? undefined, request.nextUrl.searchParams.has("email"));
    if (refusal) return refusal;
  }
  return handlers.GET(request);
}

// POST /api/auth/* — next-auth: sign-in, sign-out, passkey callback
export async function POST(request: NextRequest): Promise<Response> {
  if (request.nextUrl.pathname !== PASSKEY_CALLBACK) return handlers.POST(request);
  const form = new URLSearchParams(await request.clone().text());
  const refusal = await passkeyRefusal(form.get("action") ?? undefined, form.has("email"));
  if (refusal) return refusal;
  const response = await handlers.POST(request);
  // Auth.js sets the session cookie only once the passkey verified: that session passed its second factor.
  const token = sessionTokenSet(response);
  if (token) await passkeyPassed(await dbReady(), token);
  return response;
}
