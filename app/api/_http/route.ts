import { z } from "zod";
import { dbReady } from "@/db/client";
import type { ApiScope } from "@/lib/api-keys/scopes";
import { findApiKey, recordKeyUse } from "@/lib/api-keys/verbs";
import { withTransaction, type Ctx } from "@/lib/context";
import { AppError } from "@/lib/errors";
import { onceForKey, requestHash, type KeyedRequest } from "@/lib/idempotency";
import { hasControlChars } from "@/lib/input";
import { checkRateLimit, policyOf, rateLimited, type Verdict } from "@/lib/rate-limit";
import { readJson } from "./body";
import { json, problemResponse } from "./problem";

/** Error statuses a verb can answer with; the wrapper adds its own (see `errorStatuses`). */
export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 410 | 422 | 429 | 503;

/**
 * What a v1 route promises, declared once beside its handler. The wrapper validates with `body`
 * and `query`, the handler's return value is typed from `response`, and the OpenAPI document is
 * built from it (app/api/v1/openapi.json). Request schemas come from lib/, next to their verb.
 */
export type ApiContract<
  Params extends readonly string[] = readonly string[],
  BS extends z.ZodType | undefined = z.ZodType | undefined,
  QS extends z.ZodObject | undefined = z.ZodObject | undefined,
  RS extends z.ZodType = z.ZodType,
  St extends number = number,
  Also extends number = number,
> = {
  /** One line for the document, e.g. "Get a card". */
  summary: string;
  /**
   * The API key scope the operation needs (lib/api-keys/scopes.ts). GET defaults to "read"; every
   * other method must declare one (the contract test fails otherwise; undeclared, it needs "manage").
   */
  scope?: ApiScope;
  /** The dynamic segments of the route's folder path, e.g. ["id"] for cards/[id]. */
  params?: Params;
  /** The JSON body's schema. */
  body?: BS;
  /**
   * Optional hand check of the everyday bodies on a hot path (earn): it returns what `body.parse`
   * would for the bodies it knows, and undefined for anything else, which then goes through `body`
   * (and its errors). Never accepts what `body` refuses.
   */
  quickBody?: (raw: unknown) => Infer<BS> | undefined;
  /** The query string's schema; every field carries a `.describe()` for the document. */
  query?: QS;
  /**
   * The success status and body; `also` lists other success statuses with the same body. `streams`
   * lists media types a GET may answer with as a streamed body (a CSV export) besides JSON; the
   * handler then returns `{ status, stream }` instead of `{ status, body }`.
   */
  response: { status: St; schema: RS; also?: readonly Also[]; streams?: readonly string[] };
  /** Error statuses of the verb, besides those the wrapper answers with itself. */
  errors?: readonly ErrorStatus[];
  /**
   * The handler is one verb that keeps its writes atomic itself (earn: a single statement, or its
   * own transaction): without an Idempotency-Key the wrapper opens no transaction around it, so the
   * verb can take its shorter path. With a key, the key's record and the verb share one transaction.
   */
  atomicVerb?: boolean;
  /**
   * With an Idempotency-Key, the handler claims the key in its own write (earnOnce: the key, the
   * answer and the entry in one statement): the wrapper passes `keyed` and opens no transaction, and
   * the handler's result says whether it is a replay.
   */
  claimsKey?: boolean;
};

type Infer<S> = S extends z.ZodType ? z.output<S> : undefined;
type ParamsOf<Params extends readonly string[]> = { [K in Params[number]]: string };

/**
 * A success body sent as it is produced, not built in memory first (exports). Only GETs stream: a
 * write's answer is stored for Idempotency-Key replay, so it must be whole.
 */
export type StreamedBody = { contentType: string; body: ReadableStream<Uint8Array>; filename?: string };

type HandlerResult<St extends number, Body> = { status: St; body: Body; replayed?: boolean } | { status: St; stream: StreamedBody };

/** A v1 route handler as Next calls it, carrying its contract. */
export type ApiHandler<P = Record<string, string>> = ((request: Request, route?: { params: Promise<P> }) => Promise<Response>) & { contract: ApiContract };

/** The scope a key needs for an operation: the declared one; "read" for GET and HEAD, else "manage". */
export function requiredScope(contract: Pick<ApiContract, "scope">, method: string): ApiScope {
  return contract.scope ?? (method === "GET" || method === "HEAD" ? "read" : "manage");
}

/** Every v1 answer counts against the key's "default" policy (IETF draft httpapi-ratelimit-headers). */
const RATE_POLICY = "default";
function rateLimitHeaders(verdict: Verdict): Record<string, string> {
  const { windowSeconds } = policyOf("api");
  const resetIn = Math.max(0, Math.ceil((verdict.reset - Date.now()) / 1000));
  return {
    "ratelimit-policy": `"${RATE_POLICY}";q=${verdict.limit};w=${windowSeconds}`,
    ratelimit: `"${RATE_POLICY}";r=${verdict.remaining};t=${resetIn}`,
    // The older headers, kept for integrations that read them.
    "x-ratelimit-limit": String(verdict.limit),
    "x-ratelimit-remaining": String(verdict.remaining),
  };
}

/**
 * Statuses the wrapper itself answers with, on top of the contract's `errors`: 401 (API key), 403
 * (a scope the key lacks) and 429 (rate limit) always; 400 and 422 when it reads a body; 400 for a
 * path parameter with a control character; 422 for a query; on writes 422 (an Idempotency-Key out
 * of bounds) and 409 (a key reused with another request).
 */
export function errorStatuses(contract: ApiContract, method: string): ErrorStatus[] {
  const write = method !== "GET" && method !== "HEAD";
  const own: ErrorStatus[] = [401, 403, 429];
  if (contract.body) own.push(400, 422);
  if (contract.params?.length) own.push(400);
  if (contract.query) own.push(422);
  if (write) own.push(409, 422);
  return [...new Set([...own, ...(contract.errors ?? [])])].sort((a, b) => a - b);
}

/**
 * Every /api/v1 route goes through here: API-key auth and scope, per-key rate limit (RateLimit
 * headers on every answer), zod parsing of body and query, one transaction per write with
 * Idempotency-Key replay (the verb's own, for an `atomicVerb` without a key), and problem+json errors.
 */
export function apiRoute<
  const Params extends readonly string[] = readonly [],
  BS extends z.ZodType | undefined = undefined,
  QS extends z.ZodObject | undefined = undefined,
  RS extends z.ZodType = z.ZodType,
  const St extends number = number,
  const Also extends number = never,
>(
  contract: ApiContract<Params, BS, QS, RS, St, Also>,
  // The answer is checked against the declared schema's type. TypeScript widens string literals
  // written inline in the answer ({ kind: "card" }) to string here: write them `as const`.
  handler: (args: { ctx: Ctx; body: Infer<BS>; query: Infer<QS>; params: ParamsOf<Params>; request: Request; keyed?: KeyedRequest }) => Promise<HandlerResult<NoInfer<St | Also>, NoInfer<z.output<RS>>>>,
): ApiHandler<ParamsOf<Params>> {
  const route = async (request: Request, route?: { params: Promise<ParamsOf<Params>> }): Promise<Response> => {
    let rateHeaders: Record<string, string> = {};
    try {
      const db = await dbReady();
      const presented = /^Bearer\s+(.+)$/i.exec(request.headers.get("authorization") ?? "")?.[1]?.trim();
      if (!presented) throw new AppError("unauthorized", "Send your API key as `Authorization: Bearer <key>`.");
      const apiKey = await findApiKey(db, presented);
      if (!apiKey) throw new AppError("unauthorized", "This API key is not valid or was revoked.");
      const limit = await checkRateLimit("api", apiKey.id);
      rateHeaders = rateLimitHeaders(limit);
      if (!limit.success) throw rateLimited(limit);
      const scope = requiredScope(contract, request.method);
      if (!apiKey.scopes.includes(scope)) throw new AppError("forbidden", `This API key lacks the "${scope}" scope.`);
      // Off the request's path: the response does not wait for this write, nor fail with it.
      void recordKeyUse(db, apiKey.id, new Date()).catch((error: unknown) => console.warn("[api] could not record the key's use", error));

      // Next resolves `params` to undefined for a route without dynamic segments.
      const params = safeParams(((route ? await route.params : undefined) ?? {}) as ParamsOf<Params>);
      // Parsed only when needed (a query schema, an Idempotency-Key): the earn path needs neither.
      let url: URL | undefined;
      const requestUrl = () => (url ??= new URL(request.url));
      const query = (contract.query ? contract.query.parse(Object.fromEntries(requestUrl().searchParams)) : undefined) as Infer<QS>;
      const raw = contract.body ? await readJson(request) : undefined;
      const body = (contract.body ? (contract.quickBody?.(raw) ?? contract.body.parse(raw)) : undefined) as Infer<BS>;
      const ctx: Ctx = { db, merchantId: apiKey.merchantId, actor: { type: "api_key", id: apiKey.id, locationId: apiKey.locationId }, source: "api" };

      if (request.method === "GET" || request.method === "HEAD") {
        const result = await handler({ ctx, body, query, params, request });
        if ("stream" in result) return streamed(result.status, result.stream, rateHeaders);
        return json(result.status, result.body, rateHeaders);
      }

      const key = request.headers.get("idempotency-key")?.trim();
      if (key !== undefined && (key.length < 1 || key.length > 255)) {
        throw new AppError("invalid", "Idempotency-Key must be 1 to 255 characters.", { errors: [{ path: "Idempotency-Key", message: "1 to 255 characters" }] });
      }
      const run = async (ctx: Ctx, keyed?: KeyedRequest): Promise<{ status: number; body: unknown; replayed?: boolean }> => {
        const result = await handler({ ctx, body, query, params, request, keyed });
        if ("stream" in result) throw new Error(`${request.method} ${contract.summary}: only GET answers may stream`);
        return result;
      };
      const hash = () => requestHash([request.method, requestUrl().pathname, raw ?? null]);
      const result =
        key && contract.claimsKey
          ? await run(ctx, { key, hash: hash() })
          : !key && contract.atomicVerb
            ? { ...(await run(ctx)), replayed: false }
            : await withTransaction(ctx, async (tx) => {
                if (!key) return { ...(await run(tx)), replayed: false };
                return onceForKey(tx, key, hash(), () => run(tx));
              });
      return json(result.status, result.body, { ...rateHeaders, ...(result.replayed ? { "idempotent-replayed": "true" } : {}) });
    } catch (error) {
      const response = problemResponse(error);
      for (const [name, value] of Object.entries(rateHeaders)) response.headers.set(name, value);
      return response;
    }
  };
  return Object.assign(route, { contract: contract as ApiContract });
}

/** A streamed success: the body flows to the client as the handler's stream produces it. */
function streamed(status: number, stream: StreamedBody, headers: Record<string, string>): Response {
  const disposition: Record<string, string> = stream.filename ? { "content-disposition": `attachment; filename="${stream.filename.replace(/[^A-Za-z0-9._-]/g, "")}"` } : {};
  return new Response(stream.body, { status, headers: { "content-type": stream.contentType, "cache-control": "no-store", ...disposition, ...headers } });
}

/** Path parameters arrive URL-decoded: a NUL or other control character is refused before it reaches the database. */
function safeParams<P>(params: P): P {
  for (const [name, value] of Object.entries(params as Record<string, unknown>)) {
    if (typeof value === "string" && hasControlChars(value)) throw new AppError("malformed", `The path parameter ${name} must not contain control characters.`);
  }
  return params;
}
