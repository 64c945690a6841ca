import { hash } from "node:crypto";
import { and, desc, eq, isNull } from "drizzle-orm";
import { z } from "zod";
import { apiKeys, locations, type ApiKey } from "../../db/schema";
import { audit } from "../audit/log";
import { assertCan } from "../auth/permissions";
import { now, withTransaction, type Ctx } from "../context";
import type { Executor } from "../../db/client";
import { notFound } from "../errors";
import { EntityId, newId, randomString } from "../ids";
import { SafeText } from "../input";
import { API_SCOPES, ApiScope } from "./scopes";

const KEY_PREFIX = "kc_live_";

export const CreateApiKeyInput = z
  .object({
    name: SafeText.trim().min(1).max(80).default("API key"),
    // Every scope unless told otherwise, as keys had before scopes existed.
    scopes: z
      .array(ApiScope)
      .min(1, "give the key at least one scope")
      .default([...API_SCOPES])
      .transform((s) => API_SCOPES.filter((scope) => s.includes(scope))),
    locationId: z.preprocess((v) => (v === "" ? undefined : v), EntityId.optional()),
  })
  .strict();
export type CreateApiKeyInput = z.input<typeof CreateApiKeyInput>;

/** SHA-256 in hex: what is stored of a key, and what a presented key is looked up by (on every API call: one-shot, no Hash object). */
export function hashApiKey(key: string): string {
  return hash("sha256", key, "hex");
}

/** Makes a key for the merchant. The plain key is returned here, once; only its hash is kept. */
export async function createApiKey(ctx: Ctx, input: CreateApiKeyInput = {}): Promise<{ apiKey: ApiKey; key: string }> {
  assertCan(ctx.actor, "api_keys:manage");
  const { name, scopes, locationId } = CreateApiKeyInput.parse(input);
  const key = `${KEY_PREFIX}${randomString(32)}`;
  return withTransaction(ctx, async (tx) => {
    if (locationId) {
      const [location] = await tx.db
        .select({ id: locations.id })
        .from(locations)
        .where(and(eq(locations.id, locationId), eq(locations.merchantId, ctx.merchantId)));
      if (!location) throw notFound("Location");
    }
    const [apiKey] = await tx.db
      .insert(apiKeys)
      .values({
        id: newId("key"),
        merchantId: ctx.merchantId,
        name,
        scopes,
        locationId: locationId ?? null,
        prefix: key.slice(0, KEY_PREFIX.length + 4),
        hash: hashApiKey(key),
        createdBy: ctx.actor.id,
      })
      .returning();
    await audit(tx.db, ctx.merchantId, ctx.actor, "api_key.created", { type: "api_key", id: apiKey!.id }, { name, scopes, locationId: locationId ?? null });
    return { apiKey: apiKey!, key };
  });
}

export async function revokeApiKey(ctx: Ctx, apiKeyId: string): Promise<ApiKey> {
  assertCan(ctx.actor, "api_keys:manage");
  return withTransaction(ctx, async (tx) => {
    const [apiKey] = await tx.db
      .update(apiKeys)
      .set({ revokedAt: now(ctx) })
      .where(and(eq(apiKeys.id, apiKeyId), eq(apiKeys.merchantId, ctx.merchantId), isNull(apiKeys.revokedAt)))
      .returning();
    if (!apiKey) throw notFound("API key");
    keyCache.delete(apiKey.hash);
    await audit(tx.db, ctx.merchantId, ctx.actor, "api_key.revoked", { type: "api_key", id: apiKeyId });
    return apiKey;
  });
}

export async function listApiKeys(ctx: Ctx): Promise<ApiKey[]> {
  assertCan(ctx.actor, "api_keys:manage");
  return ctx.db.select().from(apiKeys).where(eq(apiKeys.merchantId, ctx.merchantId)).orderBy(desc(apiKeys.createdAt));
}

// Every API call authenticates; a few seconds of memory spares the database that lookup on busy
// keys. A revoked key stops working at once on this instance and within KEY_CACHE_MS on others.
const KEY_CACHE_MS = 5_000;
const keyCache = new Map<string, { apiKey: ApiKey | null; until: number }>();

/** The live key matching a presented secret, or null. */
export async function findApiKey(db: Executor, presented: string): Promise<ApiKey | null> {
  if (!presented.startsWith(KEY_PREFIX) || presented.length > 100) return null;
  const hash = hashApiKey(presented);
  const cached = keyCache.get(hash);
  if (cached && cached.until > Date.now()) return cached.apiKey;
  const [apiKey] = await db
    .select()
    .from(apiKeys)
    .where(and(eq(apiKeys.hash, hash), isNull(apiKeys.revokedAt)));
  if (keyCache.size > 10_000) keyCache.clear();
  keyCache.set(hash, { apiKey: apiKey ?? null, until: Date.now() + KEY_CACHE_MS });
  return apiKey ?? null;
}

// The dashboard shows when a key was last used; a minute's precision is enough, so each instance
// writes it at most once a minute per key instead of on every call.
const USE_PRECISION_MS = 60_000;
const lastRecorded = new Map<string, number>();

/** Records that a key was used at `at`; skips the write when this instance recorded one less than a minute before. */
export async function recordKeyUse(db: Executor, apiKeyId: string, at: Date): Promise<void> {
  if ((lastRecorded.get(apiKeyId) ?? -Infinity) > at.getTime() - USE_PRECISION_MS) return;
  if (lastRecorded.size > 10_000) lastRecorded.clear();
  lastRecorded.set(apiKeyId, at.getTime());
  await db.update(apiKeys).set({ lastUsedAt: at }).where(eq(apiKeys.id, apiKeyId));
}
