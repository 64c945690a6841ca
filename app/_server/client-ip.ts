import { headers } from "next/headers";

/**
 * The caller's address as the proxy in front of us reports it: the first X-Forwarded-For entry,
 * else X-Real-IP; null when neither is set (a request that reached this server directly, as in
 * development). The one place that decides which hop to believe.
 */
export function proxiedIp(h: Headers): string | null {
  return h.get("x-forwarded-for")?.split(",")[0]?.trim() || h.get("x-real-ip") || null;
}

/** The caller's address for per-IP rate limits; requests that came without a proxy share "local". */
export function ipFrom(h: Headers): string {
  return proxiedIp(h) ?? "local";
}

/** ipFrom for the request a page or server action is answering. */
export async function clientIp(): Promise<string> {
  return ipFrom(await headers());
}
