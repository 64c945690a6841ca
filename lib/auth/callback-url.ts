import { appOrigin } from "../env";

const FALLBACK = "/dashboard";

/**
 * Where to go after sign-in: only a path on this site. Anything else — another origin, a
 * protocol-relative `//host`, `/\host` (browsers read the backslash as a slash), or a path with
 * control characters or spaces that browsers strip — gives the fallback. Absolute URLs on APP_URL's
 * origin are reduced to their path. The one check for every redirect after sign-in.
 */
export function safeCallbackPath(value: unknown, fallback: string = FALLBACK): string {
  if (typeof value !== "string" || value.length === 0 || value.length > 500) return fallback;
  const path = onSite(value);
  if (path === null) return fallback;
  // Whatever decodes it later (a cookie, a framework, a browser) must land on this site too:
  // "/%5Cevil.example" and "/%2F%2Fevil.example" read as "/\evil.example" and "//evil.example".
  let decoded = value;
  for (let i = 0; i < 3; i++) {
    let next: string;
    try {
      next = decodeURIComponent(decoded);
    } catch {
      return fallback;
    }
    if (next === decoded) break;
    if (!resolvesOnSite(next)) return fallback;
    decoded = next;
  }
  return path;
}

/** Whether a browser would resolve `value` (already decoded once or more) to APP_URL's origin. */
function resolvesOnSite(value: string): boolean {
  try {
    return new URL(value, appOrigin).origin === appOrigin;
  } catch {
    return false;
  }
}

/** The path of `value` when it is a path on APP_URL's origin, else null. */
function onSite(value: string): string | null {
  // Backslashes, whitespace and control characters (C0, DEL, C1) never belong in our own paths.
  if (/[\\\s\u0000-\u001f\u007f-\u009f]/.test(value)) return null;
  let url: URL;
  try {
    url = new URL(value, appOrigin);
  } catch {
    return null;
  }
  if (url.origin !== appOrigin) return null;
  if (!value.startsWith("/") && !value.startsWith(appOrigin + "/")) return null;
  if (value.startsWith("//")) return null;
  const path = `${url.pathname}${url.search}${url.hash}`;
  return path.startsWith("//") ? null : path;
}

/**
 * The emailed sign-in link on the public origin: Auth.js's path and query (token, callbackUrl)
 * under APP_URL, whatever origin the request that asked for it claimed.
 */
export function publicSignInLink(authUrl: string): string {
  const url = new URL(authUrl);
  return `${appOrigin}${url.pathname}${url.search}`;
}
