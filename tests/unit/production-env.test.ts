import { describe, expect, it } from "vitest";
import { assertProductionSafe, productionProblems, type Env } from "@/lib/env";

const safe = {
  NODE_ENV: "production",
  APP_URL: "https://cards.example.com",
  AUTH_SECRET: "s".repeat(32),
  TOKEN_SIGNING_KEY: "key",
  ENCRYPTION_KEY: "k1:" + Buffer.alloc(32, 1).toString("base64"),
  DEMO_LOGIN: false,
  DEV_OUTBOX: false,
  BENCH_ROUTES: false,
  RATE_LIMIT_DISABLED: false,
  OUTBOUND_ALLOW_LOOPBACK: false,
  LOCAL_TEST_SERVER: false,
} as unknown as Env;

const withEnv = (over: Partial<Record<keyof Env, unknown>>) => ({ ...safe, ...over }) as Env;

describe("productionProblems", () => {
  it("accepts a safe production configuration", () => {
    expect(productionProblems(safe)).toEqual([]);
  });

  it("says nothing outside production", () => {
    expect(productionProblems(withEnv({ NODE_ENV: "development", DEMO_LOGIN: true, APP_URL: "http://localhost:3000" }))).toEqual([]);
  });

  it.each([
    ["DEMO_LOGIN", { DEMO_LOGIN: true }],
    ["DEV_OUTBOX", { DEV_OUTBOX: true }],
    ["BENCH_ROUTES", { BENCH_ROUTES: true }],
    ["RATE_LIMIT_DISABLED", { RATE_LIMIT_DISABLED: true }],
    ["OUTBOUND_ALLOW_LOOPBACK", { OUTBOUND_ALLOW_LOOPBACK: true }],
    ["APP_URL", { APP_URL: "http://cards.example.com" }],
    ["AUTH_URL", { AUTH_URL: "https://attacker.example" }],
    ["APPLE_WEB_SERVICE_URL", { APPLE_WEB_SERVICE_URL: "http://cards.example.com/api/wallet/apple" }],
    ["STRIPE_API_BASE", { STRIPE_API_BASE: "http://127.0.0.1:4010" }],
    ["PAYPAL_API_BASE", { PAYPAL_API_BASE: "https://localhost:4011" }],
    ["AUTH_SECRET", { AUTH_SECRET: undefined }],
    ["TOKEN_SIGNING_KEY", { TOKEN_SIGNING_KEY: undefined }],
    ["ENCRYPTION_KEY", { ENCRYPTION_KEY: undefined }],
  ])("refuses an unsafe %s with one message naming it", (name, over) => {
    const problems = productionProblems(withEnv(over));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(name);
  });

  it("lists every problem at once", () => {
    const problems = productionProblems(withEnv({ DEMO_LOGIN: true, DEV_OUTBOX: true, APP_URL: "http://x.example", ENCRYPTION_KEY: undefined }));
    expect(problems).toHaveLength(4);
    expect(() => assertProductionSafe(withEnv({ DEMO_LOGIN: true, DEV_OUTBOX: true }))).toThrow(/DEMO_LOGIN[\s\S]*DEV_OUTBOX/);
  });

  it("lets only a local test server on a loopback origin start with them, and says so", () => {
    const warnings: string[] = [];
    const local = withEnv({ LOCAL_TEST_SERVER: true, APP_URL: "http://127.0.0.1:3301", DEV_OUTBOX: true });
    expect(() => assertProductionSafe(local, (m) => warnings.push(m))).not.toThrow();
    expect(warnings[0]).toContain("DEV_OUTBOX");
    expect(() => assertProductionSafe(withEnv({ LOCAL_TEST_SERVER: true, APP_URL: "http://cards.example.com", DEV_OUTBOX: true }), () => {})).toThrow(/LOCAL_TEST_SERVER/);
  });
});
