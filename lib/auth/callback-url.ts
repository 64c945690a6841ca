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
  // Backslashes, whitespace and control characters (C0, DEL, C1) never belong in our own paths.
  if (/[\\\s\u0000-\u001f\u007f-\u009f]/.test(value)) return fallback;
  let url: URL;
  try {
    url = new URL(value, appOrigin);
  } catch {
    return fallback;
  }
  if (url.origin !== appOrigin) return fallback;
  if (!value.startsWith("/") && !value.startsWith(appOrigin + "/")) return fallback;
  const path = `${url.pathname}${url.search}${url.hash}`;
  return path.startsWith("//") ? fallback : path;
}

/**
 * The emailed sign-in link on the public origin: Auth.js's path and query (token, callbackUrl)
 * under APP_URL, whatever origin the request that asked for it claimed.
 */
export function publicSignInLink(authUrl: string): string {
  const url = new URL(authUrl);
  return `${appOrigin}${url.pathname}${url.search}`;
}
