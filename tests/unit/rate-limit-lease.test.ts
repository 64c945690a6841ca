import { describe, expect, it } from "vitest";
import { LeasingLimiter, type TakeTokens } from "@/lib/rate-limit/lease";

// The shared limit as Upstash keeps it, in memory: one window, a count, and every call logged. Each call
// answers a turn of the event loop later, as a network call does, so concurrent checks interleave.
function sharedLimit() {
  let used = 0;
  const calls: number[] = [];
  const take: TakeTokens = async (_name, policy, _key, tokens) => {
    calls.push(tokens);
    await new Promise((r) => setImmediate(r));
    if (tokens < 0) {
      used = Math.max(0, used + tokens);
      return { granted: 0, remaining: policy.limit - used, reset: Date.now() + 60_000 };
    }
    const granted = Math.min(tokens, Math.max(0, policy.limit - used));
    used += granted;
    return { granted, remaining: policy.limit - used, reset: Date.now() + 60_000 };
  };
  return { take, calls, used: () => used };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("rate limits counted in leases (lib/rate-limit/lease.ts)", () => {
  it("two instances at once never admit more than the limit between them, and admit all of it", async () => {
    const shared = sharedLimit();
    const policy = { limit: 200, windowSeconds: 60 };
    const a = new LeasingLimiter(shared.take);
    const b = new LeasingLimiter(shared.take);
    const verdicts = await Promise.all(Array.from({ length: 600 }, (_, i) => (i % 2 ? a : b).check("api", policy, "key_1")));
    expect(verdicts.filter((v) => v.success)).toHaveLength(200);
    expect(verdicts.filter((v) => !v.success).every((v) => v.remaining === 0)).toBe(true);
    expect(shared.used()).toBe(200);
  });

  it("a busy key costs a call per lease, not per request", async () => {
    const shared = sharedLimit();
    const limiter = new LeasingLimiter(shared.take);
    const policy = { limit: 100_000, windowSeconds: 60 };
    // A key's first request takes one token: nothing says yet that more will follow.
    expect((await limiter.check("api", policy, "key_1")).success).toBe(true);
    expect(shared.calls).toEqual([1]);
    let admitted = 1;
    for (let burst = 0; burst < 50; burst++) {
      const verdicts = await Promise.all(Array.from({ length: 20 }, () => limiter.check("api", policy, "key_1")));
      admitted += verdicts.filter((v) => v.success).length;
    }
    expect(admitted).toBe(1_001);
    expect(shared.calls.length).toBeLessThan(100);
    // Requests that arrive together while a lease is being taken size the next one.
    const calls = shared.calls.length;
    const together = await Promise.all(Array.from({ length: 500 }, () => limiter.check("api", policy, "key_2")));
    expect(together.every((v) => v.success)).toBe(true);
    expect(shared.calls.length - calls).toBeLessThanOrEqual(3);
    // What the answers say is left goes down one request at a time within a lease.
    const one = await limiter.check("api", policy, "key_1");
    const two = await limiter.check("api", policy, "key_1");
    expect(two.remaining).toBe(one.remaining - 1);
  });

  it("a small limit is counted one request at a time, exactly", async () => {
    const shared = sharedLimit();
    const limiter = new LeasingLimiter(shared.take);
    const policy = { limit: 5, windowSeconds: 600 };
    const verdicts = [];
    for (let i = 0; i < 7; i++) verdicts.push(await limiter.check("signIn", policy, "someone@example.test"));
    expect(verdicts.map((v) => v.success)).toEqual([true, true, true, true, true, false, false]);
    expect(verdicts.map((v) => v.remaining)).toEqual([4, 3, 2, 1, 0, 0, 0]);
    expect(shared.calls.every((n) => n === 1)).toBe(true);
  });

  it("a refusal is answered here for a moment, then asked again", async () => {
    const shared = sharedLimit();
    const limiter = new LeasingLimiter(shared.take, 40);
    const policy = { limit: 1, windowSeconds: 60 };
    expect((await limiter.check("scan", policy, "k")).success).toBe(true);
    expect((await limiter.check("scan", policy, "k")).success).toBe(false);
    const calls = shared.calls.length;
    for (let i = 0; i < 10; i++) expect((await limiter.check("scan", policy, "k")).success).toBe(false);
    expect(shared.calls.length).toBe(calls);
    await sleep(60);
    expect((await limiter.check("scan", policy, "k")).success).toBe(false);
    expect(shared.calls.length).toBe(calls + 1);
  });

  it("tokens a lease did not use are given back when it lapses, so the other instance can have them", async () => {
    const shared = sharedLimit();
    const policy = { limit: 100, windowSeconds: 60 };
    const a = new LeasingLimiter(shared.take, 30);
    const b = new LeasingLimiter(shared.take, 30);
    // A busy moment on A: its leases grow to the cap (five, a twentieth of the limit).
    let admitted = 0;
    for (let burst = 0; burst < 4; burst++) admitted += (await Promise.all(Array.from({ length: 3 }, () => a.check("api", policy, "k")))).filter((v) => v.success).length;
    expect(shared.used()).toBeGreaterThan(admitted); // A holds tokens it has not used
    await sleep(50);
    admitted += Number((await a.check("api", policy, "k")).success); // lapsed: given back, a new lease taken
    expect(shared.calls.some((n) => n < 0)).toBe(true);
    for (let i = 0; i < 200; i++) admitted += Number((await b.check("api", policy, "k")).success);
    // Everything A still holds is counted as used: nothing above the limit, and only A's unused lease short of it.
    const held = shared.used() - admitted;
    expect(shared.used()).toBe(100);
    expect(held).toBeLessThanOrEqual(5);
    await sleep(50);
    admitted += Number((await a.check("api", policy, "k")).success);
    expect(admitted).toBeLessThanOrEqual(100);
  });
});
