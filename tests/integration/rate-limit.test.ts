import { Ratelimit } from "@upstash/ratelimit";
import { Redis } from "@upstash/redis";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startUpstashFake, type UpstashFake } from "../support/upstash-fake";

// lib/env.ts reads process.env once, at import: each block sets the environment, resets the module
// graph and imports the app afresh. The global setup disables rate limits for other files; not here.
const saved = { ...process.env };
const LIMIT = 5;

async function loadApp(env: Record<string, string | undefined>) {
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  vi.resetModules();
  const rateLimit = await import("@/lib/rate-limit");
  rateLimit.resetRateLimiter();
  return {
    rateLimit,
    fixtures: await import("../support/fixtures"),
    programs: await import("@/app/api/v1/programs/route"),
    earn: await import("@/app/api/v1/cards/[id]/earn/route"),
    counts: await import("../support/counts"),
  };
}

/** Sliding and fixed windows start on the minute; keep a burst of requests inside one window. */
async function awayFromWindowEdge() {
  const intoMinute = Date.now() % 60_000;
  if (intoMinute > 50_000) await new Promise((r) => setTimeout(r, 60_000 - intoMinute + 50));
}

afterAll(async () => {
  process.env = saved;
  (await import("@/lib/rate-limit")).resetRateLimiter();
});

async function expectLimitedAfter(app: Awaited<ReturnType<typeof loadApp>>) {
  const m = await app.fixtures.makeMerchant();
  const other = await app.fixtures.makeMerchant();
  await awayFromWindowEdge();
  for (let i = 0; i < LIMIT; i++) {
    const ok = await app.fixtures.call(app.programs.GET, { key: m.apiKey });
    expect(ok.status, `request ${i + 1}`).toBe(200);
    expect(ok.headers.get("x-ratelimit-limit")).toBe(String(LIMIT));
    expect(ok.headers.get("x-ratelimit-remaining")).toBe(String(LIMIT - i - 1));
    // IETF draft httpapi-ratelimit-headers: the quota and window, then what is left and when it resets.
    expect(ok.headers.get("ratelimit-policy")).toBe(`"default";q=${LIMIT};w=60`);
    const left = /^"default";r=(\d+);t=(\d+)$/.exec(ok.headers.get("ratelimit") ?? "");
    expect(left, ok.headers.get("ratelimit") ?? "no RateLimit header").not.toBeNull();
    expect(Number(left![1])).toBe(LIMIT - i - 1);
    expect(Number(left![2])).toBeLessThanOrEqual(60);
  }
  // An error answer carries them too.
  const missing = await app.fixtures.call(app.earn.POST, { key: other.apiKey, params: { id: "crd_missing" }, body: { points: 1 } });
  expect(missing.status).toBe(404);
  expect(missing.headers.get("ratelimit-policy")).toBe(`"default";q=${LIMIT};w=60`);
  expect(missing.headers.get("ratelimit")).toMatch(new RegExp(`^"default";r=${LIMIT - 1};t=\\d+$`));
  const limited = await app.fixtures.call(app.programs.GET, { key: m.apiKey });
  expect(limited.status).toBe(429);
  expect(limited.headers.get("content-type")).toBe("application/problem+json");
  const retryAfter = Number(limited.headers.get("retry-after"));
  expect(Number.isInteger(retryAfter)).toBe(true);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
  expect(limited.headers.get("ratelimit-policy")).toBe(`"default";q=${LIMIT};w=60`);
  const resetIn = Number(/^"default";r=0;t=(\d+)$/.exec(limited.headers.get("ratelimit") ?? "")?.[1]);
  expect(Math.abs(resetIn - retryAfter)).toBeLessThanOrEqual(1);
  expect(limited.body).toMatchObject({ status: 429, code: "rate_limited", title: "Too many requests", detail: expect.stringMatching(/Try again in \d+ seconds/) });

  // A limited write writes nothing.
  const before = await app.counts.countRows(m.db, m.merchantId);
  const write = await app.fixtures.call(app.programs.POST, { key: m.apiKey, body: { name: "Late", kind: "points" } });
  expect(write.status).toBe(429);
  expect(await app.counts.countRows(m.db, m.merchantId)).toEqual(before);

  // Limits are per API key: another merchant's key is untouched.
  expect((await app.fixtures.call(app.programs.GET, { key: other.apiKey })).status).toBe(200);
}

describe("the Upstash fake speaks the REST protocol to the real client", () => {
  let fake: UpstashFake;
  beforeAll(async () => {
    fake = await startUpstashFake();
  });
  afterAll(async () => fake.close());

  it("single commands, base64 results, unicode, pipelines, transactions and errors", async () => {
    const redis = new Redis({ url: fake.url, token: fake.token, enableTelemetry: false, enableAutoPipelining: false });
    const key = `keepcard:test:${Date.now()}:${Math.random()}`;
    expect(await redis.set(key, "café ☕", { ex: 60 })).toBe("OK");
    expect(await redis.get(key)).toBe("café ☕");
    expect(await redis.incr(`${key}:n`)).toBe(1);
    expect(await redis.del(`${key}:n`)).toBe(1);
    expect(await redis.hset(`${key}:h`, { a: "1", b: "two" })).toBe(2);
    expect(await redis.hgetall(`${key}:h`)).toEqual({ a: 1, b: "two" });
    expect(await redis.get(`${key}:missing`)).toBeNull();

    const p = redis.pipeline();
    p.set(`${key}:p`, "x");
    p.get(`${key}:p`);
    p.incr(`${key}:p`);
    await expect(p.exec()).rejects.toThrow(/not an integer/);
    const kept = await redis.pipeline().get(`${key}:p`).incr(`${key}:p`).exec({ keepErrors: true });
    expect(kept[0]).toEqual({ error: undefined, result: "x" });
    expect(kept[1]!.error).toMatch(/not an integer/);

    const tx = redis.multi();
    tx.set(`${key}:t`, "1");
    tx.incrby(`${key}:t`, 41);
    expect(await tx.exec()).toEqual(["OK", 42]);

    await expect(redis.incr(key)).rejects.toThrow(/not an integer/);
    await redis.del(key, `${key}:h`, `${key}:p`, `${key}:t`);

    const denied = new Redis({ url: fake.url, token: "wrong", enableTelemetry: false, retry: false });
    await expect(denied.get(key)).rejects.toThrow();
  });

  it("runs @upstash/ratelimit's scripts on Redis 7.0 (shebang rewritten, EVALSHA mapped)", async () => {
    const redis = new Redis({ url: fake.url, token: fake.token, enableTelemetry: false });
    const limiter = new Ratelimit({ redis, limiter: Ratelimit.slidingWindow(3, "60 s"), prefix: `keepcard:test:rl:${Date.now()}`, analytics: false, ephemeralCache: false });
    await awayFromWindowEdge();
    const verdicts = [];
    for (let i = 0; i < 4; i++) verdicts.push(await limiter.limit("someone"));
    expect(verdicts.map((v) => v.success)).toEqual([true, true, true, false]);
    expect(verdicts.map((v) => v.remaining)).toEqual([2, 1, 0, 0]);
    // The first call fell back from EVALSHA to EVAL; later ones found the script by the client's SHA.
    const evals = fake.commands.filter((c) => c.startsWith("EVAL"));
    expect(evals.slice(0, 2)).toEqual(["EVALSHA", "EVAL"]);
    expect(evals.slice(2)).toEqual(["EVALSHA", "EVALSHA", "EVALSHA"]);
  });
});

describe("API rate limit through Upstash (our sliding-window script, taken in leases, against the fake)", () => {
  let fake: UpstashFake;
  let app: Awaited<ReturnType<typeof loadApp>>;
  beforeAll(async () => {
    fake = await startUpstashFake();
    app = await loadApp({
      UPSTASH_REDIS_REST_URL: fake.url,
      UPSTASH_REDIS_REST_TOKEN: fake.token,
      RATE_LIMIT_DISABLED: "0",
      RATE_LIMIT_API_PER_MINUTE: String(LIMIT),
    });
  });
  afterAll(async () => {
    app.rateLimit.resetRateLimiter();
    await fake.close();
  });

  it(`the request after ${LIMIT} in a minute is 429 with Retry-After`, async () => {
    await expectLimitedAfter(app);
    expect(fake.commands.filter((c) => c.startsWith("EVAL")).length).toBeGreaterThanOrEqual(LIMIT + 1);
  });
});

describe("leases over Upstash: two instances share one count", () => {
  let fake: UpstashFake;
  beforeAll(async () => {
    fake = await startUpstashFake();
  });
  afterAll(async () => fake.close());

  it("120 a minute, 150 requests at once on each instance: 120 admitted in all, in far fewer calls than requests", async () => {
    const { UpstashLimiter } = await import("@/lib/rate-limit");
    const a = new UpstashLimiter(fake.url, fake.token);
    const b = new UpstashLimiter(fake.url, fake.token);
    const policy = { limit: 120, windowSeconds: 60 };
    const key = `lease-${Date.now()}-${Math.random()}`;
    await awayFromWindowEdge();
    const before = fake.commands.length;
    const verdicts = await Promise.all(Array.from({ length: 300 }, (_, i) => (i % 2 ? a : b).check("scan", policy, key)));
    expect(verdicts.filter((v) => v.success)).toHaveLength(120);
    const calls = fake.commands.slice(before).filter((c) => c.startsWith("EVAL")).length;
    expect(calls).toBeLessThan(100);
    // What Redis counted is what was admitted.
    const window = Math.floor(Date.now() / 60_000);
    expect(Number(await fake.redis("GET", `keepcard:rl:scan:120:60:${key}:${window}`))).toBe(120);
  });

  it("a lapsed lease gives its unused tokens back to the shared count", async () => {
    const { UpstashLimiter } = await import("@/lib/rate-limit");
    const a = new UpstashLimiter(fake.url, fake.token, 30);
    const policy = { limit: 1_000, windowSeconds: 60 };
    const key = `lease-back-${Date.now()}-${Math.random()}`;
    await awayFromWindowEdge();
    const window = Math.floor(Date.now() / 60_000);
    const counted = async () => Number(await fake.redis("GET", `keepcard:rl:api:1000:60:${key}:${window}`));
    let admitted = 0;
    for (let burst = 0; burst < 5; burst++) admitted += (await Promise.all(Array.from({ length: 10 }, () => a.check("api", policy, key)))).filter((v) => v.success).length;
    expect(admitted).toBe(50);
    expect(await counted()).toBeGreaterThan(admitted); // leased ahead
    await new Promise((r) => setTimeout(r, 50));
    expect((await a.check("api", policy, key)).success).toBe(true); // gives back what lapsed, takes a new lease
    await new Promise((r) => setTimeout(r, 50)); // the give-back is not waited for
    const leased = await counted();
    // Now counted: the 51 admitted and at most the new lease's unused part.
    expect(leased).toBeGreaterThanOrEqual(51);
    expect(leased).toBeLessThanOrEqual(51 + 50);
  });
});

describe("Upstash that does not answer", () => {
  it("lets the request through after five seconds, as @upstash/ratelimit did, instead of hanging the API", async () => {
    const http = await import("node:http");
    const silent = http.createServer(() => {}); // takes the request, never answers
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const { port } = silent.address() as import("node:net").AddressInfo;
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    try {
      const { UpstashLimiter } = await import("@/lib/rate-limit");
      const limiter = new UpstashLimiter(`http://127.0.0.1:${port}`, "token");
      const verdict = await limiter.check("api", { limit: 600, windowSeconds: 60 }, "key_silent");
      expect(verdict.success).toBe(true);
      expect(warn.mock.calls.some(([line]) => String(line).includes("did not answer"))).toBe(true);
    } finally {
      warn.mockRestore();
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  }, 15_000);
});

describe("API rate limit in process (no Upstash configured)", () => {
  let app: Awaited<ReturnType<typeof loadApp>>;
  beforeAll(async () => {
    app = await loadApp({ UPSTASH_REDIS_REST_URL: undefined, UPSTASH_REDIS_REST_TOKEN: undefined, RATE_LIMIT_DISABLED: "0", RATE_LIMIT_API_PER_MINUTE: String(LIMIT) });
  });
  afterAll(() => app.rateLimit.resetRateLimiter());

  it(`the request after ${LIMIT} in a minute is 429 with Retry-After`, async () => {
    await expectLimitedAfter(app);
  });
});

/** A real HTTP server in front of the Apple log route, stamping the peer like `next start` does (instrumentation.ts). */
async function serveAppleLog(env: Record<string, string | undefined>) {
  const app = await loadApp({ UPSTASH_REDIS_REST_URL: undefined, UPSTASH_REDIS_REST_TOKEN: undefined, RATE_LIMIT_DISABLED: "0", RATE_LIMIT_PUBLIC_PER_MINUTE: String(LIMIT), ...env });
  (await import("@/lib/http/peer-hook")).installPeerHook();
  const route = await import("@/app/api/wallet/apple/v1/log/route");
  const http = await import("node:http");
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) if (typeof value === "string") headers.set(name, value);
    const answer = await route.POST(new Request(`http://localhost${req.url}`, { method: "POST", headers, body: Buffer.concat(chunks) }));
    res.writeHead(answer.status).end(await answer.text());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as import("node:net").AddressInfo;
  const post = async (headers: Record<string, string>) =>
    (await fetch(`http://127.0.0.1:${port}/api/wallet/apple/v1/log`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: '{"logs":["x"]}' })).status;
  return { app, post, close: () => new Promise((resolve) => server.close(resolve)) };
}

describe("per-IP limits count the client's real address", () => {
  it("by default the socket: a rotating X-Forwarded-For, X-Real-IP or forged peer header gets no fresh bucket", async () => {
    const served = await serveAppleLog({ TRUSTED_PROXY_HOPS: undefined, CLIENT_IP_HEADER: undefined });
    try {
      await awayFromWindowEdge();
      const statuses = [];
      for (let i = 0; i <= LIMIT; i++) statuses.push(await served.post({ "x-forwarded-for": `203.0.113.${i}`, "x-real-ip": `198.51.100.${i}`, "x-keepcard-peer": `192.0.2.${i}` }));
      expect(statuses).toEqual([...Array(LIMIT).fill(200), 429]);
    } finally {
      served.app.rateLimit.resetRateLimiter();
      await served.close();
    }
  });

  it("behind one trusted proxy: the entry that proxy appended counts; what the client prepended does not", async () => {
    const served = await serveAppleLog({ TRUSTED_PROXY_HOPS: "1", CLIENT_IP_HEADER: undefined });
    try {
      await awayFromWindowEdge();
      const statuses = [];
      for (let i = 0; i <= LIMIT; i++) statuses.push(await served.post({ "x-forwarded-for": `6.6.6.${i}, 203.0.113.7` }));
      expect(statuses).toEqual([...Array(LIMIT).fill(200), 429]);
      // Another client behind the same proxy has its own bucket.
      expect(await served.post({ "x-forwarded-for": "203.0.113.8" })).toBe(200);
    } finally {
      served.app.rateLimit.resetRateLimiter();
      await served.close();
    }
  });
});
