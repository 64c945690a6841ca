import { spawn } from "node:child_process";
import path from "node:path";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { ledgerEntries } from "@/db/schema";
import { startUpstashFake, type UpstashFake } from "../support/upstash-fake";

// Two app instances: this test process and a second process (tests/support/instance-child.ts) with its
// own module state — database pool, LISTEN connection, rate limiter — on the same Postgres and the
// same Upstash. What one instance does, the other must see. (bench/instances runs the same against two
// `next start` processes of the production build behind a load balancer.)
const onPostgres = process.env.TEST_DB === "postgres";
const saved = { ...process.env };
const CHILD = path.join(__dirname, "..", "support", "instance-child.ts");

type Child = { lines: string[]; next: (match: (line: string) => boolean) => Promise<string>; send: (line: string) => void; stop: () => void };

function instance(args: string[], env: Record<string, string | undefined> = {}): Child {
  const child = spawn(process.execPath, ["--import", "tsx", CHILD, ...args], { env: { ...process.env, ...env }, stdio: ["pipe", "pipe", "pipe"] });
  const lines: string[] = [];
  const waiters = new Set<{ match: (l: string) => boolean; resolve: (l: string) => void }>();
  let buffer = "";
  let errors = "";
  child.stderr.on("data", (d: Buffer) => (errors += d));
  child.stdout.on("data", (d: Buffer) => {
    buffer += d;
    let nl: number;
    while ((nl = buffer.indexOf("\n")) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      lines.push(line);
      for (const w of waiters) {
        if (!w.match(line)) continue;
        waiters.delete(w);
        w.resolve(line);
      }
    }
  });
  return {
    lines,
    // The test's own timeout is the only clock; a child that dies says why.
    next: (match) =>
      new Promise((resolve, reject) => {
        const seen = lines.find(match);
        if (seen) return resolve(seen);
        waiters.add({ match, resolve });
        child.once("exit", (code) => setTimeout(() => reject(new Error(`the second instance exited (${code}): ${errors}`)), 100));
      }),
    send: (line) => child.stdin.write(`${line}\n`),
    stop: () => child.kill(),
  };
}

/** Sliding windows start on the minute; keep a burst inside one. */
async function awayFromWindowEdge() {
  const intoMinute = Date.now() % 60_000;
  if (intoMinute > 40_000) await new Promise((r) => setTimeout(r, 60_000 - intoMinute + 50));
}

describe("two instances share one rate limit through Upstash", () => {
  let fake: UpstashFake;
  const LIMIT = 10;
  beforeAll(async () => {
    fake = await startUpstashFake();
  });
  afterAll(async () => {
    process.env = saved;
    (await import("@/lib/rate-limit")).resetRateLimiter();
    await fake.close();
  });

  it(`${LIMIT} a minute across both: 15 checks on each instance allow ${LIMIT} in all`, async () => {
    const env = { UPSTASH_REDIS_REST_URL: fake.url, UPSTASH_REDIS_REST_TOKEN: fake.token, RATE_LIMIT_DISABLED: "0" };
    Object.assign(process.env, env);
    vi.resetModules();
    const rateLimit = await import("@/lib/rate-limit");
    rateLimit.resetRateLimiter();
    const key = `instances-${Date.now()}-${Math.random()}`;
    await awayFromWindowEdge();
    const other = instance(["limit", key, "15", String(LIMIT)], env);
    const here: boolean[] = [];
    for (let i = 0; i < 15; i++) here.push((await rateLimit.checkRateLimit("api", key, { limit: LIMIT, windowSeconds: 60 })).success);
    const there = JSON.parse(await other.next((l) => l.startsWith("["))) as boolean[];
    expect(there).toHaveLength(15);
    expect([...here, ...there].filter(Boolean)).toHaveLength(LIMIT);
  });
});

describe.runIf(onPostgres)("two instances on one Postgres", () => {
  let fixtures: typeof import("../support/fixtures");
  let earnRoute: typeof import("@/app/api/v1/cards/[id]/earn/route");
  beforeAll(async () => {
    vi.resetModules();
    fixtures = await import("../support/fixtures");
    earnRoute = await import("@/app/api/v1/cards/[id]/earn/route");
  });

  it("an earn committed on this instance reaches a live listener on the other (LISTEN/NOTIFY)", async () => {
    const m = await fixtures.makeMerchant();
    const program = await fixtures.makeProgram(m);
    const card = await fixtures.makeCard(m, program.id);
    const other = instance(["listen"]);
    try {
      await other.next((l) => l === "ready");
      const res = await fixtures.call(earnRoute.POST, { key: m.apiKey, params: { id: card.id }, body: { points: 42 } });
      expect(res.status).toBe(201);
      const heard = JSON.parse(await other.next((l) => l.includes(card.id) && l.includes("card.balance_changed")));
      expect(heard).toMatchObject({ type: "card.balance_changed", merchantId: m.merchantId, payload: { cardId: card.id, amount: 42, balance: 42 } });
    } finally {
      other.stop();
    }
  });

  it("one Idempotency-Key sent to both instances at once makes one ledger entry and one answer", async () => {
    const m = await fixtures.makeMerchant();
    const program = await fixtures.makeProgram(m);
    const card = await fixtures.makeCard(m, program.id);
    const key = `both-${Date.now()}`;
    const other = instance(["earn", m.apiKey, card.id, key, "7"]);
    try {
      await other.next((l) => l === "loaded");
      other.send("go");
      const [here, thereLine] = await Promise.all([
        // The same request as the other's (the key is bound to method, path and body).
        fixtures.call(earnRoute.POST, { key: m.apiKey, path: `/api/v1/cards/${card.id}/earn`, params: { id: card.id }, body: { points: 7 }, idempotencyKey: key }),
        other.next((l) => l.startsWith("{")),
      ]);
      const there = JSON.parse(thereLine) as { status: number; body: unknown };
      expect(here.status).toBe(201);
      expect(there.status).toBe(201);
      expect(there.body).toEqual(here.body);
      const entries = await m.db.select().from(ledgerEntries).where(and(eq(ledgerEntries.merchantId, m.merchantId), eq(ledgerEntries.cardId, card.id)));
      expect(entries).toHaveLength(1);
      expect(entries[0]!.amount).toBe(7);
    } finally {
      other.stop();
    }
  });
});
