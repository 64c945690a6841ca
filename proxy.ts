import { NextResponse, type NextRequest } from "next/server";
import { appOrigin, env, isProduction } from "@/lib/env";
import { securityHeaders } from "@/lib/security/headers";
import { PAGE_PATH_HEADER } from "@/app/_server/page-path";

const https = new URL(appOrigin).protocol === "https:";
// The card page's "Link a Stripe account" form is answered with a redirect to Stripe's onboarding
// (on the API's own origin when STRIPE_API_BASE points at the local fake).
const stripeApi = new URL(env.STRIPE_API_BASE).origin;
const cardFormOrigins = ["https://connect.stripe.com", ...(stripeApi === "https://api.stripe.com" ? [] : [stripeApi])];

/**
 * Every page request: a fresh CSP nonce and the security headers (lib/security/headers.ts). The CSP is
 * also set on the request, which is how Next finds the nonce for its own scripts.
 */
export function proxy(request: NextRequest) {
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
  const headers = securityHeaders({ pathname: request.nextUrl.pathname, nonce, production: isProduction, https, cardFormOrigins });
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("x-nonce", nonce);
  // Which page this is, for the root layout's <html lang> (app/_server/language.ts); always ours, never the client's.
  requestHeaders.set(PAGE_PATH_HEADER, `${request.nextUrl.pathname}${request.nextUrl.search}`);
  requestHeaders.set("content-security-policy", headers["content-security-policy"]!);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  return response;
}

export const config = {
  // Not for build assets, which carry no markup, nor for the API's routes but Auth.js's: they answer
  // data, and get fixed headers from next.config.ts (apiHeaders), sparing each API request a proxy run.
  matcher: ["/((?!api/(?!auth/)|_next/static|_next/image|favicon.ico).*)"],
};
