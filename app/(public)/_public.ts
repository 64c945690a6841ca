import { enforceRateLimit, type PolicyName } from "@/lib/rate-limit";

/** Per-IP and per-card limits of the public card routes; throws AppError("rate_limited"). */
export async function limitCardTraffic(ip: string, cardId: string, what: string, policy: PolicyName = "publicIp") {
  await enforceRateLimit(policy, `${what}:ip:${ip}`);
  await enforceRateLimit("publicCard", `${what}:card:${cardId}`);
}
