import { and, eq, sql } from "drizzle-orm";
import type { Executor } from "../../db/client";
import { webhookAttempts, webhookDeliveries, webhookEndpoints, type WebhookEndpoint } from "../../db/schema";
import { decryptSecret } from "../crypto/secrets";
import { env } from "../env";
import { newId } from "../ids";
import { postSigned, signedHeaders } from "./sign";

export type DomainEventMessage = { id: string; type: string; merchantId: string; payload: Record<string, unknown>; at?: string };

/** Creates one delivery per active endpoint of the merchant that subscribed to the event's type (once per endpoint and event). */
export async function planDeliveries(db: Executor, event: DomainEventMessage): Promise<string[]> {
  const endpoints = await db
    .select()
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.merchantId, event.merchantId), eq(webhookEndpoints.active, true), sql`${webhookEndpoints.events} @> jsonb_build_array(${event.type}::text)`));
  if (endpoints.length === 0) return [];
  const rows = endpoints.map((e) => ({ id: newId("whd"), merchantId: event.merchantId, endpointId: e.id, eventId: event.id, eventType: event.type, payload: event.payload }));
  await db.insert(webhookDeliveries).values(rows).onConflictDoNothing();
  const planned = await db
    .select({ id: webhookDeliveries.id, status: webhookDeliveries.status })
    .from(webhookDeliveries)
    .where(eq(webhookDeliveries.eventId, event.id));
  return planned.filter((d) => d.status === "pending").map((d) => d.id);
}

/** The endpoint's secret, and the one it replaced while that one's grace period lasts. */
export function signingSecrets(endpoint: Pick<WebhookEndpoint, "secret" | "previousSecret" | "previousSecretUntil">, at = new Date()): string[] {
  const secrets = [decryptSecret(endpoint.secret)];
  if (endpoint.previousSecret && endpoint.previousSecretUntil && endpoint.previousSecretUntil > at) secrets.push(decryptSecret(endpoint.previousSecret));
  return secrets;
}

export type AttemptResult = { delivered: boolean; status: number | null; error: string | null; retryable: boolean; skipped?: string };

/**
 * One attempt of a delivery: a Standard Webhooks-signed POST (webhook-id is the event id, the same
 * on every retry and replay). Each attempt is logged; 2xx marks the delivery delivered.
 */
export async function attemptDelivery(db: Executor, deliveryId: string): Promise<AttemptResult> {
  const [row] = await db
    .select({ delivery: webhookDeliveries, endpoint: webhookEndpoints })
    .from(webhookDeliveries)
    .innerJoin(webhookEndpoints, eq(webhookEndpoints.id, webhookDeliveries.endpointId))
    .where(eq(webhookDeliveries.id, deliveryId));
  if (!row) return { delivered: false, status: null, error: null, retryable: false, skipped: "gone" };
  if (row.delivery.status === "delivered") return { delivered: true, status: row.delivery.lastStatusCode, error: null, retryable: false, skipped: "already delivered" };
  if (!row.endpoint.active) return { delivered: false, status: null, error: "endpoint disabled", retryable: false, skipped: "endpoint disabled" };

  const body = JSON.stringify({ type: row.delivery.eventType, timestamp: row.delivery.createdAt.toISOString(), data: row.delivery.payload });
  const outcome = await postSigned(row.endpoint.url, signedHeaders(signingSecrets(row.endpoint), row.delivery.eventId, body), body, env.WEBHOOK_TIMEOUT_MS);
  const at = new Date();
  await db.insert(webhookAttempts).values({ id: newId("wha"), deliveryId, statusCode: outcome.status, error: outcome.error, durationMs: outcome.durationMs, createdAt: at });
  await db
    .update(webhookDeliveries)
    .set({
      attempts: sql`${webhookDeliveries.attempts} + 1`,
      lastStatusCode: outcome.status,
      lastError: outcome.error,
      lastAttemptAt: at,
      ...(outcome.ok ? { status: "delivered" as const, deliveredAt: at } : {}),
    })
    .where(eq(webhookDeliveries.id, deliveryId));
  return { delivered: outcome.ok, status: outcome.status, error: outcome.error, retryable: outcome.retryable };
}

/** After the last retry: the delivery is failed until someone replays it. */
export async function markDeliveryFailed(db: Executor, deliveryId: string, error: string): Promise<void> {
  await db
    .update(webhookDeliveries)
    .set({ status: "failed", lastError: error.slice(0, 300) })
    .where(and(eq(webhookDeliveries.id, deliveryId), eq(webhookDeliveries.status, "pending")));
}
