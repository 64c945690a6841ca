import { Ratelimit } from "@upstash/ratelimit";
import { Redis } from "@upstash/redis";
import { env } from "../env";
import { AppError } from "../errors";

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

/** Upstash over REST: shared by every app instance. */
class UpstashLimiter implements Limiter {
  private readonly redis: Redis;
  private readonly limiters = new Map<string, Ratelimit>();
  constructor(url: string, token: string) {
    this.redis = new Redis({ url, token, enableTelemetry: false });
  }
  async check(name: string, policy: Policy, key: string): Promise<Verdict> {
    const id = `${name}:${policy.limit}:${policy.windowSeconds}`;
    let limiter = this.limiters.get(id);
    if (!limiter) {
      limiter = new Ratelimit({
        redis: this.redis,
        limiter: Ratelimit.slidingWindow(policy.limit, `${policy.windowSeconds} s`),
        prefix: `keepcard:rl:${name}`,
        analytics: false,
      });
      this.limiters.set(id, limiter);
    }
    const { success, limit, remaining, reset } = await limiter.limit(key);
    return { success, limit, remaining, reset };
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
