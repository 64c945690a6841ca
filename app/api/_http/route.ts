import { eq } from "drizzle-orm";
import { z } from "zod";
import { dbReady } from "@/db/client";
import { apiKeys } from "@/db/schema";
import { findApiKey } from "@/lib/api-keys/verbs";
import { withTransaction, type Ctx } from "@/lib/context";
import { AppError } from "@/lib/errors";
import { onceForKey, requestHash } from "@/lib/idempotency";
import { afterCommit } from "@/lib/events/after-commit";
import { hasControlChars } from "@/lib/input";
import { enforceRateLimit } from "@/lib/rate-limit";
import { json, problemResponse } from "./problem";

export type ApiResult = { status: number; body: unknown };

type Handler<B, Q, P> = (args: { ctx: Ctx; body: B; query: Q; params: P; request: Request }) => Promise<ApiResult>;

type Options<BS extends z.ZodType | undefined, QS extends z.ZodType | undefined> = {
  body?: BS;
  query?: QS;
};

type Infer<S> = S extends z.ZodType ? z.output<S> : undefined;

/**
 * Every /api/v1 route goes through here: API-key auth, per-key rate limit, zod parsing of body
 * and query, one transaction per write with Idempotency-Key replay, and problem+json errors.
 */
export function apiRoute<P extends Record<string, string> = Record<string, never>, BS extends z.ZodType | undefined = undefined, QS extends z.ZodType | undefined = undefined>(
  options: Options<BS, QS>,
  handler: Handler<Infer<BS>, Infer<QS>, P>,
) {
  return async (request: Request, route?: { params: Promise<P> }): Promise<Response> => {
    try {
      const db = await dbReady();
      const presented = /^Bearer\s+(.+)$/i.exec(request.headers.get("authorization") ?? "")?.[1]?.trim();
      if (!presented) throw new AppError("unauthorized", "Send your API key as `Authorization: Bearer <key>`.");
      const apiKey = await findApiKey(db, presented);
      if (!apiKey) throw new AppError("unauthorized", "This API key is not valid or was revoked.");
      const limit = await enforceRateLimit("api", apiKey.id);
      touch(apiKey.id);

      const params = safeParams((route ? await route.params : {}) as P);
      const url = new URL(request.url);
      const query = (options.query ? options.query.parse(Object.fromEntries(url.searchParams)) : undefined) as Infer<QS>;
      const raw = options.body ? await readJson(request) : undefined;
      const body = (options.body ? options.body.parse(raw) : undefined) as Infer<BS>;
      const ctx: Ctx = { db, merchantId: apiKey.merchantId, actor: { type: "api_key", id: apiKey.id }, source: "api" };
      const rateHeaders = { "x-ratelimit-limit": String(limit.limit), "x-ratelimit-remaining": String(limit.remaining) };

      if (request.method === "GET" || request.method === "HEAD") {
        const result = await handler({ ctx, body, query, params, request });
        return json(result.status, result.body, rateHeaders);
      }

      const key = request.headers.get("idempotency-key")?.trim();
      if (key !== undefined && (key.length < 1 || key.length > 255)) {
        throw new AppError("invalid", "Idempotency-Key must be 1 to 255 characters.", { errors: [{ path: "Idempotency-Key", message: "1 to 255 characters" }] });
      }
      const result = await withTransaction(ctx, async (tx) => {
        const run = () => handler({ ctx: tx, body, query, params, request });
        if (!key) return { ...(await run()), replayed: false };
        return onceForKey(tx, key, requestHash([request.method, url.pathname, raw ?? null]), run);
      });
      if (!result.replayed) afterCommit(ctx.merchantId);
      return json(result.status, result.body, { ...rateHeaders, ...(result.replayed ? { "idempotent-replayed": "true" } : {}) });
    } catch (error) {
      return problemResponse(error);
    }
  };
}

/** Path parameters arrive URL-decoded: a NUL or other control character is refused before it reaches the database. */
function safeParams<P>(params: P): P {
  for (const [name, value] of Object.entries(params as Record<string, unknown>)) {
    if (typeof value === "string" && hasControlChars(value)) throw new AppError("malformed", `The path parameter ${name} must not contain control characters.`);
  }
  return params;
}

async function readJson(request: Request): Promise<unknown> {
  const text = await request.text();
  if (!text.trim()) return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError("malformed", "The body is not valid JSON.");
  }
}

const lastTouched = new Map<string, number>();

/** Records when a key was last used, at most once a minute per key and never on the request's path. */
function touch(apiKeyId: string) {
  const nowMs = Date.now();
  if ((lastTouched.get(apiKeyId) ?? 0) > nowMs - 60_000) return;
  lastTouched.set(apiKeyId, nowMs);
  void dbReady()
    .then((db) => db.update(apiKeys).set({ lastUsedAt: new Date(nowMs) }).where(eq(apiKeys.id, apiKeyId)))
    .catch(() => {});
}
