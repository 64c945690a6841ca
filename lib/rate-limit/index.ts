import { Redis } from "@upstash/redis";
import { env } from "../env";
import { AppError } from "../errors";
import { LeasingLimiter, type Taken } from "./lease";

export type Policy = { limit: number; windowSeconds: number };
export type Verdict = { success: boolean; limit: number; remaining: number; reset: number };

/** Named policies; one per thing we protect. */
const POLICIES = {
  api: { limit: env.RATE_LIMIT_API_PER_MINUTE, windowSeconds: 60 },
  publicIp: { limit: env.RATE_LIMIT_PUBLIC_PER_MINUTE, windowSeconds: 60 },
  publicCard: { limit: env.RATE_LIMIT_PUBLIC_PER_MINUTE, windowSeconds: 60 },
  signIn: { limit: 5, windowSeconds: 600 },
  /** Second-factor codes (sign-in, enrolment, removal): per user, so guessing 10^6 codes takes years. */
  twoFactor: { limit: 10, windowSeconds: 600 },
  scan: { limit: 120, windowSeconds: 60 },
  voucherUse: { limit: 30, windowSeconds: 60 },
  /** Printed claim codes: claims onto one card, and claim attempts (valid or not) from one address. */
  claimCard: { limit: 10, windowSeconds: 3600 },
  claimIp: { limit: 30, windowSeconds: 600 },
  /** Campaign test emails to the marketer's own address. */
  campaignTestEmail: { limit: 10, windowSeconds: 3600 },
  /** Emails confirming the deletion of a card and its data: a few an hour, per card and per address. */
  erasureEmail: { limit: 3, windowSeconds: 3600 },
} satisfies Record<string, Policy>;
export type PolicyName = keyof typeof POLICIES;

/** A named policy's quota and window, e.g. for the RateLimit-Policy header. */
export function policyOf(name: PolicyName): Policy {
  return POLICIES[name];
}

interface Limiter {
  check(name: string, policy: Policy, key: string): Promise<Verdict>;
}

/**
 * Takes up to ARGV[4] tokens from a sliding window of ARGV[1] per ARGV[3] ms (KEYS: this window's
 * count, the previous one's, which weighs in by the share of it still inside the window): grants what
 * is free, at most what was asked, and answers { granted, remaining }. A negative count gives tokens
 * back to this window's count (not below zero). The weighting is @upstash/ratelimit's sliding
 * window's, which has no way to take "up to" a number of tokens.
 */
const TAKE_SCRIPT = `
local limit = tonumber(ARGV[1])
local now = tonumber(ARGV[2])
local window = tonumber(ARGV[3])
local want = tonumber(ARGV[4])
local current = tonumber(redis.call("GET", KEYS[1]) or "0")
local previous = tonumber(redis.call("GET", KEYS[2]) or "0")
local weighted = math.floor((1 - (now % window) / window) * previous)
if want < 0 then
  local back = math.min(-want, current)
  if back > 0 then redis.call("DECRBY", KEYS[1], back) end
  return { 0, limit - weighted - current + back }
end
local free = limit - weighted - current
local granted = math.min(want, math.max(0, free))
if granted > 0 then
  if redis.call("INCRBY", KEYS[1], granted) == granted then redis.call("PEXPIRE", KEYS[1], window * 2 + 1000) end
end
return { granted, free - granted }
`;

/** How long a request waits for Upstash before it is let through (@upstash/ratelimit's default). */
const UPSTASH_TIMEOUT_MS = 5_000;

/**
 * Upstash over REST, shared by every app instance, taken in leases (lease.ts): one call per key and
 * instance every second or so when busy, instead of one per request.
 */
export class UpstashLimiter implements Limiter {
  private readonly script: ReturnType<Redis["createScript"]>;
  private readonly leasing: LeasingLimiter;
  constructor(url: string, token: string, leaseMs?: number) {
    this.script = new Redis({ url, token, enableTelemetry: false }).createScript<[number, number]>(TAKE_SCRIPT);
    this.leasing = new LeasingLimiter((name, policy, key, tokens) => this.take(name, policy, key, tokens), leaseMs);
  }
  check(name: string, policy: Policy, key: string): Promise<Verdict> {
    return this.leasing.check(name, policy, key);
  }
  private async take(name: string, policy: Policy, key: string, tokens: number): Promise<Taken> {
    const windowMs = policy.windowSeconds * 1000;
    const now = Date.now();
    const window = Math.floor(now / windowMs);
    const reset = (window + 1) * windowMs;
    const prefix = `keepcard:rl:${name}:${policy.limit}:${policy.windowSeconds}:${key}`;
    const call = this.script.exec([`${prefix}:${window}`, `${prefix}:${window - 1}`], [String(policy.limit), String(now), String(windowMs), String(tokens)]);
    // Upstash slow to answer: let the request through, as @upstash/ratelimit does after its timeout;
    // the lease lapses within a second and the next one asks again.
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<"late">((resolve) => (timer = setTimeout(() => resolve("late"), UPSTASH_TIMEOUT_MS)));
    const answer = await Promise.race([call, late]).finally(() => clearTimeout(timer));
    if (answer === "late") {
      call.catch(() => {});
      console.warn(`[rate-limit] Upstash did not answer within ${UPSTASH_TIMEOUT_MS} ms; letting ${name} through`);
      return { granted: Math.max(1, tokens), remaining: policy.limit, reset };
    }
    const [granted, remaining] = answer as [number, number];
    return { granted: Number(granted), remaining: Math.max(0, Number(remaining)), reset };
  }
}

/** Fixed windows in this process's memory: right for one instance and for development. */
class MemoryLimiter implements Limiter {
  private readonly windows = new Map<string, { count: number; reset: number }>();
  async check(name: string, policy: Policy, key: string): Promise<Verdict> {
    const nowMs = Date.now();
    const id = `${name}:${key}`;
    let win = this.windows.get(id);
    if (!win || win.reset <= nowMs) {
      win = { count: 0, reset: nowMs + policy.windowSeconds * 1000 };
      this.windows.set(id, win);
      if (this.windows.size > 50_000) this.sweep(nowMs);
    }
    win.count++;
    return { success: win.count <= policy.limit, limit: policy.limit, remaining: Math.max(0, policy.limit - win.count), reset: win.reset };
  }
  private sweep(nowMs: number) {
    for (const [id, win] of this.windows) if (win.reset <= nowMs) this.windows.delete(id);
  }
}

const globalForLimiter = globalThis as unknown as { __keepcardLimiter?: Limiter };

function limiter(): Limiter {
  globalForLimiter.__keepcardLimiter ??=
    env.UPSTASH_REDIS_REST_URL && env.UPSTASH_REDIS_REST_TOKEN
      ? new UpstashLimiter(env.UPSTASH_REDIS_REST_URL, env.UPSTASH_REDIS_REST_TOKEN)
      : new MemoryLimiter();
  return globalForLimiter.__keepcardLimiter;
}

/** Counts one request against the policy and says whether it is within it; throws nothing. */
export async function checkRateLimit(name: PolicyName, key: string, policy: Policy = POLICIES[name]): Promise<Verdict> {
  if (env.RATE_LIMIT_DISABLED) return { success: true, limit: policy.limit, remaining: policy.limit, reset: Date.now() };
  return limiter().check(name, policy, key);
}

/** Throws `rate_limited` with the seconds until the window frees up. */
export async function enforceRateLimit(name: PolicyName, key: string, policy?: Policy): Promise<Verdict> {
  const verdict = await checkRateLimit(name, key, policy);
  if (!verdict.success) throw rateLimited(verdict);
  return verdict;
}

/** The `rate_limited` error for a refused verdict, with the seconds until the window frees up. */
export function rateLimited(verdict: Verdict): AppError {
  const retryAfter = Math.max(1, Math.ceil((verdict.reset - Date.now()) / 1000));
  return new AppError("rate_limited", `Too many requests. Try again in ${retryAfter} seconds.`, { retryAfter });
}

/** For tests: forget the chosen limiter so a changed environment takes effect. */
export function resetRateLimiter() {
  globalForLimiter.__keepcardLimiter = undefined;
}
