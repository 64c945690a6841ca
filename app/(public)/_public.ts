import { headers } from "next/headers";
import { enforceRateLimit, type PolicyName } from "@/lib/rate-limit";

/** The caller's address as the proxy in front of us reports it (first hop), for per-IP limits. */
export function ipFrom(h: Headers): string {
  return h.get("x-forwarded-for")?.split(",")[0]?.trim() || h.get("x-real-ip") || "local";
}

export async function clientIp(): Promise<string> {
  return ipFrom(await headers());
}

/** Per-IP and per-card limits of the public card routes; throws AppError("rate_limited"). */
export async function limitCardTraffic(ip: string, cardId: string, what: string, policy: PolicyName = "publicIp") {
  await enforceRateLimit(policy, `${what}:ip:${ip}`);
  await enforceRateLimit("publicCard", `${what}:card:${cardId}`);
}
