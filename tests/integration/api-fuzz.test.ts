import fc from "fast-check";
import { and, eq, ne } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { openApiDocument } from "@/app/api/_http/openapi";
import { API_ROUTES } from "@/app/api/v1/_registry";
import { queryRows, sql } from "@/db/client";
import { apiKeys, cards, ledgerEntries, programs, vouchers } from "@/db/schema";
import { cardQrToken } from "@/lib/cards/token";
import { earn } from "@/lib/ledger/earn";
import { createLocation } from "@/lib/locations/verbs";
import { issueGoodwillVouchers } from "@/lib/vouchers/goodwill";
import { createGoal } from "@/lib/goals/verbs";
import { redeemReward } from "@/lib/rewards/redeem";
import { REPORT_NAMES } from "@/lib/reports/definitions";
import { createEndpoint } from "@/lib/webhooks/endpoints";
import { createCampaign } from "@/lib/campaigns/verbs";
import { createSegment } from "@/lib/segments/verbs";
import { checkContract } from "../support/api-contract";
import { makeCard, makeMerchant, makeProgram, makeReward, type TestMerchant } from "../support/fixtures";
import { expectLedgerConsistent } from "../support/invariants";

/*
 * Property-based fuzzing of the whole public API, driven by its own OpenAPI document: every
 * operation, called under both merchants' keys with generated valid input (from the schemas, with
 * real ids of both merchants mixed in) and invalid input (wrong types, junk, control characters,
 * broken JSON). Each answer must be below 500, a declared status with problem+json for errors, and
 * never show or change the other merchant's data; the ledgers hold their invariants afterwards.
 * A fixed seed and a bounded count keep it in `npm test`; `npm run fuzz` (FUZZ_RUNS) runs longer.
 */

const RUNS = Number(process.env.FUZZ_RUNS ?? 400);
const SEED = Number(process.env.FUZZ_SEED ?? 20261130);

type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minItems?: number;
  maxItems?: number;
  pattern?: string;
  format?: string;
};
type Parameter = { name: string; in: "path" | "query" | "header"; required?: boolean; schema?: JsonSchema };
type Operation = { method: string; path: string; parameters: Parameter[]; body?: JsonSchema; handler: (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response> };

/** One merchant's world: a key and real ids of every kind the API takes. */
type World = {
  m: TestMerchant;
  ids: { card: string[]; program: string[]; reward: string[]; entry: string[]; location: string[]; endpoint: string[]; voucher: string[]; segment: string[]; campaign: string[]; goal: string[]; customer: string[] };
  /** Cards by their program's kind, for requests meant to succeed. */
  byKind: { points: string[]; stamps: string[]; cashback: string[] };
  codes: string[];
  tokens: string[];
  /** Strings that only this merchant's data contains (ids, emails): never in the other's answers. */
  secrets: string[];
};

async function makeWorld(tag: string): Promise<World> {
  const m = await makeMerchant();
  const points = await makeProgram(m, { name: `Points ${tag}` });
  const stamps = await makeProgram(m, { name: `Stamps ${tag}`, kind: "stamps", stampsRequired: 5 });
  const cashback = await makeProgram(m, { name: `Cash ${tag}`, kind: "cashback", cashbackPercent: 5 });
  const reward = await makeReward(m, points.id, 10);
  const location = await createLocation(m.ctx, { name: `Shop ${tag}`, latitude: null, longitude: null });
  const made = [
    await makeCard(m, points.id, `fuzz-${tag}-1-${m.merchantId.toLowerCase()}@example.test`),
    await makeCard(m, points.id, `fuzz-${tag}-2-${m.merchantId.toLowerCase()}@example.test`),
    await makeCard(m, stamps.id, `fuzz-${tag}-3-${m.merchantId.toLowerCase()}@example.test`),
    await makeCard(m, cashback.id, `fuzz-${tag}-4-${m.merchantId.toLowerCase()}@example.test`),
  ];
  const first = await earn(m.ctx, { cardId: made[0]!.id, points: 100 });
  await earn(m.ctx, { cardId: made[3]!.id, purchase: { amount: 5000, currency: "USD" } });
  const { voucher } = await redeemReward(m.ctx, { cardId: made[0]!.id, rewardId: reward.id });
  // Goodwill vouchers to cancel (each void after the first answers with the cancelled voucher).
  const goodwill = await issueGoodwillVouchers(m.ctx, { cardId: made[1]!.id, title: `Sorry ${tag}` });
  // Webhook endpoints: a few, since the fuzz deletes some as it goes.
  const endpoints = await Promise.all([1, 2, 3, 4].map((i) => createEndpoint(m.ctx, { url: `https://hooks.example.test/${tag}/${i}`, events: ["card.balance_changed"] })));
  // Segments and campaigns: a few of each, since the fuzz deletes and cancels some as it goes.
  const segmentIds = await Promise.all(
    [1, 2, 3].map(async (i) => (await createSegment(m.ctx, { name: `Segment ${tag} ${i}`, definition: { match: "all", conditions: [{ field: "balance", min: i }] } })).id),
  );
  const campaignIds = await Promise.all(
    [1, 2, 3, 4].map(
      async (i) =>
        (
          await createCampaign(m.ctx, {
            programId: points.id,
            name: `Campaign ${tag} ${i}`,
            audience: i === 1 ? { kind: "segment", segmentId: segmentIds[0]! } : { kind: "everyone" },
            effect: { kind: "bonus", points: 5 },
            holdoutPercent: 10,
            startsAt: new Date(Date.now() + i * 86_400_000).toISOString(),
            endsAt: new Date(Date.now() + (i + 1) * 86_400_000).toISOString(),
          })
        ).id,
    ),
  );
  const goal = await createGoal(m.ctx, { programId: points.id, name: `Goal ${tag}`, metric: "visits", target: 100, reward: { kind: "voucher", rewardId: reward.id }, ...goalWindow() });
  const rows = await m.db.select().from(cards).where(eq(cards.merchantId, m.merchantId));
  const entries = await m.db.select({ id: ledgerEntries.id }).from(ledgerEntries).where(eq(ledgerEntries.merchantId, m.merchantId));
  return {
    m,
    byKind: { points: [made[0]!.id, made[1]!.id], stamps: [made[2]!.id], cashback: [made[3]!.id] },
    ids: { card: rows.map((c) => c.id), program: [points.id, stamps.id, cashback.id], reward: [reward.id], entry: [first.entry.id, ...entries.map((e) => e.id)], location: [location.id], endpoint: endpoints.map((e) => e.id), voucher: [voucher.id, ...goodwill.vouchers.map((v) => v.id)], segment: segmentIds, campaign: campaignIds, goal: [goal.id], customer: rows.map((c) => c.customerId) },
    codes: [voucher.code, ...rows.map((c) => c.referralCode)],
    tokens: rows.map((c) => cardQrToken(c)),
    secrets: [m.merchantId, ...rows.map((c) => c.id), points.id, stamps.id, cashback.id, reward.id, location.id, voucher.code, ...endpoints.map((e) => e.id), ...segmentIds, ...campaignIds, goal.id, ...rows.map((c) => c.customerId), `fuzz-${tag}-1-${m.merchantId.toLowerCase()}`],
  };
}

// ── Arbitraries ────────────────────────────────────────────────────────────────────────────────────

const NASTY = [
  "\u0000",
  "crd_\u0000x",
  "%00",
  "\u0007bell",
  "\u009bC1",
  "\u202eevil",
  "line\nbreak",
  "../../etc/passwd",
  "' or 1=1 --",
  "\"; drop table cards; --",
  "null",
  "-1",
  "1e309",
  "NaN",
  "",
  " ",
  "😀".repeat(60),
  "a".repeat(5000),
  "\ud800",
];
const nastyString = fc.oneof(fc.constantFrom(...NASTY), fc.string({ unit: "binary", maxLength: 60 }), fc.string({ maxLength: 80 }));

/** Any JSON-ish value, for fields of the wrong type. */
const junk = fc.oneof(nastyString, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.jsonValue({ maxDepth: 2 }), fc.constant(Number.MAX_SAFE_INTEGER), fc.constant(-1));

function idKind(name: string, path: string): keyof World["ids"] | null {
  if (name === "id") {
    if (path.startsWith("/cards")) return "card";
    if (path.startsWith("/entries")) return "entry";
    if (path.startsWith("/programs")) return "program";
    if (path.startsWith("/rewards")) return "reward";
    if (path.startsWith("/webhook-endpoints")) return "endpoint";
    if (path.startsWith("/vouchers")) return "voucher";
    if (path.startsWith("/segments")) return "segment";
    if (path.startsWith("/campaigns")) return "campaign";
    if (path.startsWith("/goals")) return "goal";
    if (path.startsWith("/customers")) return "customer";
    return null;
  }
  if (/^(programId)$/.test(name)) return "program";
  if (/^(rewardId|stampRewardId)$/.test(name)) return "reward";
  if (/^(locationId|locationIds)$/.test(name)) return "location";
  if (/^cardId$/.test(name)) return "card";
  if (/^segmentId$/.test(name)) return "segment";
  return null;
}

/** An id for a field: mostly a real one of either merchant (of the right kind or not), sometimes junk. */
function idArb(worlds: [World, World], kind: keyof World["ids"] | null): fc.Arbitrary<string> {
  const all = worlds.flatMap((w) => Object.values(w.ids).flat());
  const ofKind = kind ? worlds.flatMap((w) => w.ids[kind]) : all;
  return fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...ofKind) },
    { weight: 2, arbitrary: fc.constantFrom(...all) },
    { weight: 1, arbitrary: fc.stringMatching(/^[a-z]{3}_[A-Za-z0-9]{20}$/) },
    { weight: 2, arbitrary: nastyString },
  );
}

function stringArb(schema: JsonSchema, name: string, path: string, worlds: [World, World]): fc.Arbitrary<string> {
  const kind = idKind(name, path);
  if (kind || schema.pattern === "^[A-Za-z0-9_-]+$") return idArb(worlds, kind);
  if (name === "code") return fc.oneof(fc.constantFrom(...worlds.flatMap((w) => w.codes)), nastyString);
  if (name === "token") return fc.oneof(fc.constantFrom(...worlds.flatMap((w) => w.tokens)), nastyString);
  if (name === "currency") return fc.constantFrom("USD", "EUR", "JPY", "usd", "XXX", "US");
  if (schema.format === "email" || name === "email") return fc.oneof(fc.stringMatching(/^[a-z]{1,10}@example\.test$/), fc.emailAddress(), nastyString);
  if (schema.format === "date") return fc.oneof(fc.date({ min: new Date("1900-01-01"), max: new Date("2100-01-01"), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)), nastyString);
  if (schema.pattern) {
    let valid: fc.Arbitrary<string>;
    try {
      valid = fc.stringMatching(new RegExp(schema.pattern));
    } catch {
      valid = fc.string();
    }
    return fc.oneof({ weight: 3, arbitrary: valid }, { weight: 1, arbitrary: nastyString });
  }
  const maxLength = Math.min(schema.maxLength ?? 40, 80);
  const minLength = Math.min(schema.minLength ?? 0, maxLength);
  return fc.oneof({ weight: 4, arbitrary: fc.string({ minLength, maxLength }) }, { weight: 1, arbitrary: nastyString });
}

/** Values that the schema accepts (mostly), with real ids of both merchants where ids go. */
function fromSchema(schema: JsonSchema | undefined, worlds: [World, World], path: string, name = "", depth = 0): fc.Arbitrary<unknown> {
  if (!schema || depth > 6) return junk;
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const variants = schema.anyOf ?? schema.oneOf;
  if (variants) return fc.oneof(...variants.map((v) => fromSchema(v, worlds, path, name, depth + 1)));
  if (Array.isArray(schema.type)) return fc.oneof(...schema.type.map((t) => fromSchema({ ...schema, type: t }, worlds, path, name, depth + 1)));
  switch (schema.type) {
    case "object": {
      const props = schema.properties ?? {};
      const model = Object.fromEntries(Object.entries(props).map(([k, v]) => [k, fromSchema(v, worlds, path, k, depth + 1)]));
      return fc.record(model, { requiredKeys: (schema.required ?? []).filter((k) => k in props) });
    }
    case "array": {
      const item = fromSchema(schema.items, worlds, path, name, depth + 1);
      return fc.array(item, { minLength: schema.minItems ?? 0, maxLength: Math.min(schema.maxItems ?? 4, 4) });
    }
    case "string":
      return stringArb(schema, name, path, worlds);
    case "integer": {
      const min = schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : (schema.minimum ?? -1000);
      const max = schema.maximum ?? 1_000_000;
      return fc.oneof({ weight: 4, arbitrary: fc.integer({ min, max: Math.max(min, max) }) }, { weight: 1, arbitrary: fc.integer() });
    }
    case "number":
      return fc.double({ min: schema.minimum ?? -1e6, max: schema.maximum ?? 1e6, noNaN: true });
    case "boolean":
      return fc.boolean();
    case "null":
      return fc.constant(null);
    default:
      return junk;
  }
}

/** Turns a valid body invalid: a field dropped, one of the wrong type, an unknown one, or a wholly different value. */
function mutated(valid: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc.oneof(
    fc.tuple(valid, fc.nat(), junk).map(([v, i, bad]) => {
      if (!v || typeof v !== "object" || Array.isArray(v)) return bad;
      const keys = Object.keys(v);
      if (keys.length === 0) return { unexpected: bad };
      return { ...(v as object), [keys[i % keys.length]!]: bad };
    }),
    fc.tuple(valid, nastyString).map(([v, extra]) => (v && typeof v === "object" && !Array.isArray(v) ? { ...(v as object), [extra.slice(0, 20) || "x"]: 1 } : v)),
    fc.tuple(valid, fc.nat()).map(([v, i]) => {
      if (!v || typeof v !== "object" || Array.isArray(v)) return v;
      const keys = Object.keys(v);
      const copy = { ...(v as Record<string, unknown>) };
      if (keys.length) delete copy[keys[i % keys.length]!];
      return copy;
    }),
    junk,
  );
}

// ── The operations, from the OpenAPI document ───────────────────────────────────────────────────────

function operations(): Operation[] {
  const doc = openApiDocument("http://localhost:3000/api/v1", API_ROUTES) as unknown as {
    paths: Record<string, Record<string, { parameters?: Parameter[]; requestBody?: { content?: Record<string, { schema?: JsonSchema }> } }>>;
  };
  const ops: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    const routeModule = API_ROUTES.find((r) => r.path === path)!.module as Record<string, Operation["handler"]>;
    for (const [method, op] of Object.entries(methods)) {
      const handler = routeModule[method.toUpperCase()];
      if (typeof handler !== "function") continue;
      ops.push({ method: method.toUpperCase(), path, parameters: op.parameters ?? [], body: op.requestBody?.content?.["application/json"]?.schema, handler });
    }
  }
  return ops;
}

type Call = { op: Operation; as: 0 | 1; params: Record<string, string>; query: Record<string, string>; body: { kind: "json"; value: unknown } | { kind: "raw"; text: string } | null; idempotencyKey: string | null };

/**
 * Requests meant to succeed, for the operations whose valid input the schema alone rarely hits
 * (an earn must match its card's program; a redemption needs a reward of the card's program).
 */
function recipe(op: Operation, w: World): fc.Arbitrary<{ params: Record<string, string>; body: unknown; query?: Record<string, string> }> | null {
  const key = `${op.method} ${op.path}`;
  const card = (ids: string[]) => fc.constantFrom(...ids).map((id) => ({ id }));
  switch (key) {
    case "POST /cards/{id}/earn":
      return fc.oneof(
        fc.record({ params: card(w.byKind.points), body: fc.record({ points: fc.integer({ min: 1, max: 200 }) }) }),
        fc.record({ params: card(w.byKind.stamps), body: fc.record({ stamps: fc.integer({ min: 1, max: 3 }) }) }),
        fc.record({ params: card(w.byKind.cashback), body: fc.record({ purchase: fc.record({ amount: fc.integer({ min: 0, max: 100_000 }), currency: fc.constant("USD") }) }) }),
      );
    case "POST /cards/{id}/redemptions":
      return fc.record({ params: card(w.byKind.points), body: fc.record({ rewardId: fc.constantFrom(...w.ids.reward) }) });
    case "POST /cards/{id}/adjust":
      return fc.record({ params: card(w.byKind.points), body: fc.record({ amount: fc.integer({ min: -20, max: 50 }).filter((n) => n !== 0), reason: fc.constantFrom("goodwill", "missed scan") }) });
    case "POST /vouchers/redeem":
      return fc.record({ params: fc.constant({}), body: fc.record({ code: fc.constantFrom(...w.codes) }) });
    case "POST /vouchers":
      return fc.record({ params: fc.constant({}), body: fc.oneof(fc.record({ cardId: fc.constantFrom(...w.byKind.points), title: fc.constantFrom("Free coffee", "Sorry for the wait") }), fc.record({ cardId: fc.constantFrom(...w.byKind.points), rewardId: fc.constantFrom(...w.ids.reward) })) });
    case "POST /vouchers/{id}/void":
      return fc.record({ params: fc.constantFrom(...w.ids.voucher.slice(1)).map((id) => ({ id })), body: fc.record({ reason: fc.constantFrom("issued by mistake") }, { requiredKeys: [] }) });
    case "GET /cards":
      return fc.record({ params: fc.constant({}), body: fc.constant(undefined), query: fc.oneof(fc.constantFrom(...w.ids.program).map((programId) => ({ programId })), fc.constant({ limit: "2" })) });
    case "POST /cards":
      return fc.record({ params: fc.constant({}), body: fc.record({ programId: fc.constantFrom(...w.ids.program), customer: fc.record({ email: fc.stringMatching(/^[a-z]{1,10}@example\.test$/) }) }) });
    case "PATCH /rewards/{id}":
      return fc.record({ params: fc.constantFrom(...w.ids.reward).map((id) => ({ id })), body: fc.record({ name: fc.stringMatching(/^[A-Za-z ]{1,30}$/) }) });
    case "POST /webhook-endpoints":
      return fc.record({ params: fc.constant({}), body: fc.record({ url: fc.stringMatching(/^https:\/\/hooks\.example\.test\/[a-z]{1,12}$/), events: fc.constant(["voucher.redeemed"]) }) });
    case "GET /webhook-endpoints/{id}":
    case "POST /webhook-endpoints/{id}/rotate-secret":
      return fc.record({ params: fc.constantFrom(...w.ids.endpoint).map((id) => ({ id })), body: fc.constant(undefined) });
    case "PATCH /webhook-endpoints/{id}":
      return fc.record({ params: fc.constantFrom(...w.ids.endpoint).map((id) => ({ id })), body: fc.record({ active: fc.boolean() }) });
    case "PUT /programs/{id}/automations":
      return fc.record({
        params: fc.constantFrom(...w.ids.program).map((id) => ({ id })),
        body: fc.record(
          {
            welcome: fc.record({ enabled: fc.boolean(), bonus: fc.integer({ min: 1, max: 500 }) }),
            referral: fc.record({ enabled: fc.boolean(), referrerBonus: fc.integer({ min: 1, max: 500 }), refereeBonus: fc.integer({ min: 0, max: 500 }), minPurchase: fc.integer({ min: 0, max: 10_000 }), monthlyCap: fc.option(fc.integer({ min: 1, max: 20 })) }),
            winback: fc.record({ enabled: fc.boolean(), days: fc.integer({ min: 7, max: 365 }), bonus: fc.integer({ min: 1, max: 500 }) }),
          },
          { requiredKeys: [] },
        ),
      });
    case "POST /goals":
      return fc.record({
        params: fc.constant({}),
        body: fc.record({
          programId: fc.constant(w.ids.program[0]!),
          name: fc.stringMatching(/^[A-Za-z ]{1,30}$/),
          metric: fc.constantFrom("visits", "earned", "spend"),
          target: fc.integer({ min: 1, max: 100_000 }),
          reward: fc.oneof(fc.record({ kind: fc.constant("points"), points: fc.integer({ min: 1, max: 500 }) }), fc.record({ kind: fc.constant("voucher"), rewardId: fc.constantFrom(...w.ids.reward) })),
          ...Object.fromEntries(Object.entries(goalWindow()).map(([k, v]) => [k, fc.constant(v)])),
        }),
      });
    case "GET /goals/{id}":
      return fc.record({ params: fc.constantFrom(...w.ids.goal).map((id) => ({ id })), body: fc.constant(undefined) });
    case "GET /reports/{name}":
      return fc.record({
        params: fc.constantFrom(...REPORT_NAMES).map((name) => ({ name })),
        body: fc.constant(undefined),
        query: fc.record({ format: fc.constantFrom("csv", "json"), from: fc.constantFrom("2020-01-01", "2026-01-01T00:00:00Z") }, { requiredKeys: ["format"] }),
      });
    case "PATCH /programs/{id}":
      return fc.record({ params: fc.constantFrom(...w.ids.program).map((id) => ({ id })), body: fc.record({ name: fc.stringMatching(/^[A-Za-z ]{1,30}$/) }) });
    case "POST /segments":
    case "POST /segments/preview":
      return fc.record({
        params: fc.constant({}),
        body: fc.record({
          name: fc.stringMatching(/^[A-Za-z ]{1,30}$/),
          definition: fc.record({
            match: fc.constantFrom("all", "any"),
            conditions: fc.array(
              fc.oneof(
                fc.record({ field: fc.constant("balance"), min: fc.integer({ min: 0, max: 500 }) }),
                fc.record({ field: fc.constant("visits"), days: fc.integer({ min: 1, max: 90 }), min: fc.integer({ min: 0, max: 5 }) }),
                fc.record({ field: fc.constant("tags"), op: fc.constantFrom("any", "all", "none"), tags: fc.array(fc.stringMatching(/^[a-z]{1,10}$/), { minLength: 1, maxLength: 3 }) }),
                fc.record({ field: fc.constant("program"), programIds: fc.constantFrom(...w.ids.program).map((id) => [id]) }),
                fc.record({ field: fc.constant("birthday_month"), months: fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 3 }) }),
              ),
              { maxLength: 3 },
            ),
          }),
        }).map((b) => (key === "POST /segments" ? b : { definition: b.definition })),
      });
    case "POST /tags/import":
      return fc.record({
        params: fc.constant({}),
        body: fc.record({ csv: fc.tuple(fc.constantFrom(...w.codes), fc.stringMatching(/^[a-z]{1,10}$/)).map(([code, tag]) => `code,tags\n${code},${tag}`), mode: fc.constantFrom("add", "replace") }),
      });
    case "GET /segments/{id}":
    case "DELETE /segments/{id}":
      return fc.record({ params: fc.constantFrom(...w.ids.segment).map((id) => ({ id })), body: fc.constant(undefined) });
    case "PATCH /segments/{id}":
      return fc.record({ params: fc.constantFrom(...w.ids.segment).map((id) => ({ id })), body: fc.record({ name: fc.stringMatching(/^[A-Za-z ]{1,30}$/) }) });
    case "POST /campaigns":
      return fc.record({
        params: fc.constant({}),
        body: fc.record({
          programId: fc.constant(w.ids.program[0]!),
          name: fc.stringMatching(/^[A-Za-z ]{1,30}$/),
          audience: fc.constant({ kind: "everyone" }),
          effect: fc.record({ kind: fc.constant("bonus"), points: fc.integer({ min: 1, max: 100 }) }),
          holdoutPercent: fc.integer({ min: 0, max: 50 }),
          startsAt: fc.constant(new Date(Date.now() + 86_400_000).toISOString()),
          endsAt: fc.constant(new Date(Date.now() + 2 * 86_400_000).toISOString()),
        }),
      });
    case "GET /campaigns/{id}":
    case "GET /campaigns/{id}/results":
    case "POST /campaigns/{id}/cancel":
    case "POST /campaigns/{id}/start":
      return fc.record({ params: fc.constantFrom(...w.ids.campaign).map((id) => ({ id })), body: fc.constant(undefined) });
    case "POST /campaigns/{id}/duplicate":
      return fc.record({ params: fc.constantFrom(...w.ids.campaign).map((id) => ({ id })), body: fc.constant({}) });
    case "PATCH /campaigns/{id}":
      return fc.record({ params: fc.constantFrom(...w.ids.campaign).map((id) => ({ id })), body: fc.record({ name: fc.stringMatching(/^[A-Za-z ]{1,30}$/) }) });
    default:
      return null;
  }
}

function callArb(op: Operation, worlds: [World, World]): fc.Arbitrary<Call> {
  const generic = genericCallArb(op, worlds);
  const planned = ([0, 1] as const).map((as) => recipe(op, worlds[as])?.map(({ params, body, query }) => ({ op, as, params, query: query ?? {}, body: body === undefined ? null : { kind: "json" as const, value: body }, idempotencyKey: null }) satisfies Call));
  if (!planned[0] || !planned[1]) return generic;
  return fc.oneof({ weight: 3, arbitrary: generic }, { weight: 1, arbitrary: planned[0] }, { weight: 1, arbitrary: planned[1] });
}

function genericCallArb(op: Operation, worlds: [World, World]): fc.Arbitrary<Call> {
  const pathParams = op.parameters.filter((p) => p.in === "path");
  const queryParams = op.parameters.filter((p) => p.in === "query");
  const params = fc.record(Object.fromEntries(pathParams.map((p) => [p.name, stringArb(p.schema ?? { type: "string" }, p.name, op.path, worlds)])));
  const query = fc.record(
    Object.fromEntries(queryParams.map((p) => [p.name, fc.oneof(fromSchema(p.schema, worlds, op.path, p.name), nastyString).map((v) => String(v))])),
    { requiredKeys: [] },
  );
  const valid = fromSchema(op.body, worlds, op.path);
  const body: fc.Arbitrary<Call["body"]> = op.body
    ? fc.oneof(
        { weight: 5, arbitrary: valid.map((value) => ({ kind: "json" as const, value })) },
        { weight: 3, arbitrary: mutated(valid).map((value) => ({ kind: "json" as const, value })) },
        { weight: 1, arbitrary: fc.constantFrom("{", "", "[]", "null", '{"a":', "\u0000", '{"__proto__":{"x":1}}').map((text) => ({ kind: "raw" as const, text })) },
      )
    : fc.constant(null);
  const idempotencyKey = fc.oneof(fc.constant(null), fc.uuid(), fc.stringMatching(/^[ -~]{1,300}$/));
  return fc
    .record({ op: fc.constant(op), as: fc.constantFrom(0 as const, 1 as const), params, query, body, idempotencyKey })
    .map((c) => ({ ...c, query: Object.fromEntries(Object.entries(c.query).filter((e): e is [string, string] => e[1] !== undefined)) }));
}

/** What a URL can carry: lone surrogates become U+FFFD, as a browser or Next would make them. */
const wellFormed = (s: string) => s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "\ufffd");

async function run(call: Call, worlds: [World, World]) {
  const world = worlds[call.as];
  call.params = Object.fromEntries(Object.entries(call.params).map(([k, v]) => [k, wellFormed(v)]));
  call.query = Object.fromEntries(Object.entries(call.query).map(([k, v]) => [k, wellFormed(v)]));
  const path = call.op.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(call.params[name] ?? ""));
  const url = new URL(`http://localhost:3000/api/v1${path}`);
  for (const [k, v] of Object.entries(call.query)) url.searchParams.set(k, v);
  const headers: Record<string, string> = { authorization: `Bearer ${world.m.apiKey}`, "content-type": "application/json" };
  if (call.idempotencyKey !== null) headers["idempotency-key"] = call.idempotencyKey;
  const body = call.body === null ? undefined : call.body.kind === "raw" ? call.body.text : JSON.stringify(call.body.value);
  const response = await call.op.handler(new Request(url, { method: call.op.method, headers, body: call.op.method === "GET" ? undefined : body }), {
    params: Promise.resolve(call.params),
  });
  const text = await response.text();
  return { status: response.status, contentType: response.headers.get("content-type") ?? "", text };
}

/** Every string in a value, deep. */
function strings(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === "object") return Object.values(value).flatMap(strings);
  return [];
}

describe("the API under generated input (fast-check, driven by openapi.json)", () => {
  let worlds: [World, World];
  const ops = operations();
  beforeAll(async () => {
    worlds = [await makeWorld("a"), await makeWorld("b")];
  });

  it("covers every operation of the OpenAPI document", () => {
    expect(ops.length).toBeGreaterThanOrEqual(15);
    expect(new Set(ops.map((o) => `${o.method} ${o.path}`)).size).toBe(ops.length);
  });

  const tally = new Map<string, number>();
  it(`no 5xx, errors are declared problem+json, nothing of the other merchant is read or written (${RUNS} runs, seed ${SEED})`, async () => {
    const byOp = fc.constantFrom(...ops).chain((op) => callArb(op, worlds));
    await fc.assert(
      fc.asyncProperty(byOp, async (call) => {
        const other = worlds[call.as === 0 ? 1 : 0];
        if (process.env.FUZZ_TRACE) console.log(`${call.op.method} ${call.op.path} ${JSON.stringify({ params: call.params, query: call.query, body: call.body }).slice(0, 300)}`);
        const answer = await run(call, worlds);
        tally.set(`${call.op.method} ${call.op.path} ${answer.status}`, (tally.get(`${call.op.method} ${call.op.path} ${answer.status}`) ?? 0) + 1);
        const sent = JSON.stringify({ params: call.params, query: call.query, body: call.body }).slice(0, 600);
        const where = `${call.op.method} ${call.op.path} as merchant ${call.as === 0 ? "A" : "B"} with ${sent}\n→ ${answer.status} ${answer.text.slice(0, 300)}`;
        expect(answer.status, where).toBeLessThan(500);
        let parsed: unknown = null;
        // A streamed export (text/csv) is checked for the other merchant's data below, not parsed.
        const streamed = answer.status < 400 && answer.contentType.startsWith("text/csv");
        if (answer.text && !streamed) parsed = JSON.parse(answer.text);
        if (answer.status >= 400) {
          expect(answer.contentType, where).toContain("application/problem+json");
          expect(parsed, where).toMatchObject({ status: answer.status, title: expect.any(String) });
        }
        // The route's declared contract: a declared status, and a body its schema reads.
        if (!streamed) checkContract(call.op.handler, call.op.method, answer.status, parsed);
        // Nothing of the other merchant in any answer…
        for (const secret of other.secrets) expect(answer.text.includes(secret), `${where}\nshows the other merchant's ${secret}`).toBe(false);
        // …and naming the other merchant's objects never succeeds: their ids are "not found" here.
        const named = [...Object.values(call.params), ...Object.values(call.query), ...strings(call.body?.kind === "json" ? call.body.value : null)];
        const othersIds = new Set(Object.values(other.ids).flat());
        const reachesOver = named.some((v) => othersIds.has(v) || other.codes.includes(v) || other.tokens.includes(v));
        if (reachesOver) expect(answer.status, where).toBeGreaterThanOrEqual(400);
        const pathId = call.params.id;
        if (pathId && othersIds.has(pathId) && call.op.method === "GET" && Object.keys(call.query).length === 0) expect(answer.status, where).toBe(404);
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
    if (process.env.FUZZ_TALLY) console.log([...tally].sort().map(([k, n]) => `${k}: ${n}`).join("\n"));
    // The generated input is valid often enough to reach past validation: most operations succeeded
    // at least once (not all: a generated PATCH may pause a program, and then its cards earn nothing).
    if (RUNS >= 200) {
      const succeeded = ops.filter((op) => [...tally.keys()].some((k) => k.startsWith(`${op.method} ${op.path} 2`)));
      expect(succeeded.length, `succeeded: ${succeeded.map((o) => `${o.method} ${o.path}`).join(", ")}`).toBeGreaterThanOrEqual(Math.ceil(ops.length * 0.75));
    }
  }, Math.max(60_000, RUNS * 150));

  it("afterwards: each merchant's ledger holds its invariants and was written only by its own key", async () => {
    for (const world of worlds) {
      const { db, merchantId } = world.m;
      await expectLedgerConsistent(db, { merchantId });
      // Every card belongs to a program of the same merchant.
      const mixed = await db
        .select({ id: cards.id })
        .from(cards)
        .innerJoin(programs, eq(programs.id, cards.programId))
        .where(and(eq(cards.merchantId, merchantId), ne(programs.merchantId, merchantId)));
      expect(mixed).toEqual([]);
      // Entries written through the API carry this merchant's key, never the other's.
      const keys = await db
        .selectDistinct({ actor: ledgerEntries.actorId })
        .from(ledgerEntries)
        .where(and(eq(ledgerEntries.merchantId, merchantId), eq(ledgerEntries.actorType, "api_key")));
      const ownIds = new Set((await db.select({ id: apiKeys.id }).from(apiKeys).where(eq(apiKeys.merchantId, merchantId))).map((k) => k.id));
      for (const { actor } of keys) expect(ownIds.has(actor ?? ""), `entry by ${actor}`).toBe(true);
      // No voucher of this merchant sits on another merchant's card.
      const crossed = await db
        .select({ id: vouchers.id })
        .from(vouchers)
        .innerJoin(cards, eq(cards.id, vouchers.cardId))
        .where(and(eq(vouchers.merchantId, merchantId), ne(cards.merchantId, merchantId)));
      expect(crossed).toEqual([]);
      // No negative balances.
      expect(await queryRows(db, sql`select id from cards where merchant_id = ${merchantId} and balance < 0`)).toEqual([]);
    }
  });
});

/** A goal's window around now, as the API takes it (ISO instants). */
function goalWindow() {
  return { startsAt: new Date(Date.now() - 3_600_000).toISOString(), endsAt: new Date(Date.now() + 7 * 86_400_000).toISOString() };
}
