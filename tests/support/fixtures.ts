import { dbReady, type Db } from "@/db/client";
import { merchants, memberships, users, type Program } from "@/db/schema";
import { createApiKey } from "@/lib/api-keys/verbs";
import { enroll } from "@/lib/cards/enroll";
import { systemActor, type Actor, type Ctx } from "@/lib/context";
import { newId } from "@/lib/ids";
import { createProgram } from "@/lib/programs/verbs";
import { CreateProgramInput } from "@/lib/programs/schema";
import { createReward } from "@/lib/rewards/verbs";
import type { Role } from "@/db/schema";
import { checkContract } from "./api-contract";

export type TestMerchant = { merchantId: string; apiKey: string; ctx: Ctx; db: Db };

let counter = 0;

/** A fresh merchant with an API key; every test seeds what it needs and shares nothing. */
export async function makeMerchant(opts: { timezone?: string; currency?: string } = {}): Promise<TestMerchant> {
  const db = await dbReady();
  const merchantId = newId("mer");
  await db.insert(merchants).values({ id: merchantId, name: `Test Shop ${++counter}`, currency: opts.currency ?? "USD", timezone: opts.timezone ?? "UTC" });
  const ctx: Ctx = { db, merchantId, actor: systemActor("test"), source: "test" };
  const { key } = await createApiKey(ctx, { name: "test" });
  return { merchantId, apiKey: key, ctx, db };
}

export async function makeUser(m: TestMerchant, role: Role): Promise<Actor & { type: "user" }> {
  const userId = crypto.randomUUID();
  await m.db.insert(users).values({ id: userId, email: `${role}-${userId}@example.test`, name: role });
  await m.db.insert(memberships).values({ id: newId("mem"), merchantId: m.merchantId, userId, role });
  return { type: "user", id: userId, role };
}

/** A program made the way the API makes one: the input goes through the same zod schema (defaults filled). */
export async function makeProgram(m: TestMerchant, input: Record<string, unknown> & { kind?: CreateProgramInput["kind"] } = {}): Promise<Program> {
  return createProgram(m.ctx, CreateProgramInput.parse({ name: "Rewards", kind: "points", ...input }));
}

export async function makeCard(m: TestMerchant, programId: string, email = `c${++counter}-${Date.now()}@example.test`) {
  return (await enroll(m.ctx, { programId, customer: { email } })).card;
}

export async function makeReward(m: TestMerchant, programId: string, cost: number, inventory: number | null = null) {
  return createReward(m.ctx, { programId, name: `Reward ${cost}`, cost, inventory });
}

type Handler<P> = (req: Request, route: { params: Promise<P> }) => Promise<Response>;

/** Calls a route handler the way Next would, and returns status, headers and parsed JSON; fails on a response its contract does not declare. */
export async function call<P>(
  handler: Handler<P>,
  opts: { key?: string | null; method?: string; path?: string; body?: unknown; rawBody?: string; params?: P; idempotencyKey?: string; query?: Record<string, string> },
) {
  const url = new URL(`http://localhost:3000${opts.path ?? "/api/v1/test"}`);
  for (const [k, v] of Object.entries(opts.query ?? {})) url.searchParams.set(k, v);
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (opts.key) headers.authorization = `Bearer ${opts.key}`;
  if (opts.idempotencyKey) headers["idempotency-key"] = opts.idempotencyKey;
  const method = opts.method ?? (opts.body !== undefined || opts.rawBody !== undefined ? "POST" : "GET");
  const request = new Request(url, { method, headers, body: opts.rawBody ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body)) });
  // As `next start` does: a route without dynamic segments gets `params` resolving to undefined, not {}.
  const response = await handler(request, { params: Promise.resolve(opts.params as P) });
  const text = await response.text();
  const body = text ? JSON.parse(text) : null;
  checkContract(handler, method, response.status, body);
  return { status: response.status, headers: response.headers, body };
}
