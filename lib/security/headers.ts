/**
 * The response headers every page and route gets. Pure, so they can be tested without a server:
 * pages get the Content Security Policy with the request's nonce, framing rules, HSTS and the
 * browser feature policy (set by proxy.ts on every request); the JSON and binary routes under
 * /api/ get a fixed set that renders nothing (`apiHeaders`, set by next.config.ts, no proxy run).
 */

export type HeaderContext = {
  pathname: string;
  /** Fresh for every request; Next adds it to its own scripts when the request carries the CSP. */
  nonce: string;
  production: boolean;
  /** APP_URL is https: HSTS and upgrade-insecure-requests make sense. */
  https: boolean;
  /** Origins outside ours that the card page's forms lead to (Stripe's Connect onboarding, after the payouts form's redirect). */
  cardFormOrigins?: string[];
};

/** The public card page may be shown inside a merchant's own https site; nothing else may be framed. */
export function frameable(pathname: string): boolean {
  return /^\/c\/[^/]+\/?$/.test(pathname);
}

/** The camera is for the staff scanner only. */
export function cameraAllowed(pathname: string): boolean {
  return pathname === "/staff" || pathname.startsWith("/staff/");
}

export function contentSecurityPolicy(ctx: HeaderContext): string {
  const directives = [
    "default-src 'self'",
    // 'strict-dynamic': scripts the nonced Next scripts load are trusted too; 'self' is the fallback for old browsers.
    `script-src 'self' 'nonce-${ctx.nonce}' 'strict-dynamic'${ctx.production ? "" : " 'unsafe-eval'"}`,
    // Inline style attributes (brand colours, QR SVGs) stay allowed; styles cannot run code.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "media-src 'self' blob:",
    "worker-src 'self'",
    "manifest-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    `form-action 'self'${frameable(ctx.pathname) && ctx.cardFormOrigins?.length ? ` ${ctx.cardFormOrigins.join(" ")}` : ""}`,
    `frame-ancestors ${frameable(ctx.pathname) ? "'self' https:" : "'none'"}`,
  ];
  if (ctx.https) directives.push("upgrade-insecure-requests");
  return directives.join("; ");
}

export function securityHeaders(ctx: HeaderContext): Record<string, string> {
  const headers: Record<string, string> = {
    "content-security-policy": contentSecurityPolicy(ctx),
    "x-content-type-options": "nosniff",
    "referrer-policy": "strict-origin-when-cross-origin",
    "permissions-policy": `camera=(${cameraAllowed(ctx.pathname) ? "self" : ""}), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()`,
    "cross-origin-opener-policy": "same-origin",
  };
  if (!frameable(ctx.pathname)) headers["x-frame-options"] = "DENY";
  if (ctx.production && ctx.https) headers["strict-transport-security"] = "max-age=63072000; includeSubDomains";
  return headers;
}

/**
 * The headers of every /api/ answer except Auth.js's (which may render a page and so goes through
 * the proxy): a response that is data, never a document. No nonce is needed, so they are fixed and
 * Next's router adds them (next.config.ts `headers`) without running proxy.ts for each API request.
 * HSTS is sent whatever the scheme: browsers ignore it on plain http.
 */
export function apiHeaders(): Record<string, string> {
  return {
    "content-security-policy": "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
    "x-content-type-options": "nosniff",
    "referrer-policy": "strict-origin-when-cross-origin",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()",
    "strict-transport-security": "max-age=63072000; includeSubDomains",
  };
}

/** The API paths that get `apiHeaders` and skip the proxy: /api/ but not /api/auth/ (Auth.js). */
export const API_PATHS = "/api/:path((?!auth/).*)";
