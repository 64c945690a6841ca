import { and, count, desc, eq } from "drizzle-orm";
import { z } from "zod";
import { webhookAttempts, webhookDeliveries, webhookEndpoints, type WebhookAttempt, type WebhookDelivery, type WebhookEndpoint } from "../../db/schema";
import { audit } from "../audit/log";
import { assertCan } from "../auth/permissions";
import { now, withTransaction, type Ctx } from "../context";
import { encryptSecret } from "../crypto/secrets";
import { env } from "../env";
import { WEBHOOK_EVENTS } from "../events/catalogue";
import { AppError, notFound } from "../errors";
import { newId } from "../ids";
import { lockMerchant } from "../merchants/verbs";
import { recordEvents } from "../outbox";
import { OutboundUrl } from "../outbound/fetch";
import { newWebhookSecret } from "./sign";
import { SafeText } from "../input";

/** Events a merchant can subscribe to: those the catalogue marks `webhook`. */
export { WEBHOOK_EVENTS };

export const EndpointInput = z
  .object({
    url: OutboundUrl,
    description: SafeText.trim().max(200).optional(),
    events: z.array(z.enum(WEBHOOK_EVENTS)).min(1).max(WEBHOOK_EVENTS.length),
  })
  .strict();
export type EndpointInput = z.input<typeof EndpointInput>;

/** What can change on an endpoint once made: paused or not (the URL and events are set when it is made). */
export const UpdateEndpointInput = z.object({ active: z.boolean().describe("false pauses deliveries; true resumes them.") }).strict();

/** Registers an endpoint; its signing secret is stored encrypted and returned here, shown once in the dashboard. */
export async function createEndpoint(ctx: Ctx, raw: EndpointInput): Promise<WebhookEndpoint> {
  assertCan(ctx.actor, "webhooks:manage");
  const input = EndpointInput.parse(raw);
  return withTransaction(ctx, async (tx) => {
    await lockMerchant(tx);
    const [{ n } = { n: 0 }] = await tx.db.select({ n: count() }).from(webhookEndpoints).where(eq(webhookEndpoints.merchantId, ctx.merchantId));
    if (n >= env.WEBHOOK_ENDPOINTS_MAX) throw new AppError("conflict", `A business can have at most ${env.WEBHOOK_ENDPOINTS_MAX} webhook endpoints.`);
    const secret = newWebhookSecret();
    const [endpoint] = await tx.db
      .insert(webhookEndpoints)
      .values({ id: newId("whe"), merchantId: ctx.merchantId, url: input.url, description: input.description ?? null, events: [...new Set(input.events)], secret: encryptSecret(secret) })
      .returning();
    await audit(tx.db, ctx.merchantId, ctx.actor, "webhook.created", { type: "webhook_endpoint", id: endpoint!.id }, { url: input.url, events: input.events });
    return { ...endpoint!, secret };
  });
}

/** How long the replaced secret keeps signing (a second signature) after a rotation. */
export const SECRET_GRACE_HOURS = 24;

/**
 * A new signing secret for an endpoint, shown only here. For SECRET_GRACE_HOURS each request is
 * signed with both the new and the old secret, so the receiver can switch without dropping events.
 */
export async function rotateEndpointSecret(ctx: Ctx, endpointId: string): Promise<{ secret: string; previousValidUntil: Date }> {
  assertCan(ctx.actor, "webhooks:manage");
  return withTransaction(ctx, async (tx) => {
    const [current] = await tx.db
      .select({ secret: webhookEndpoints.secret })
      .from(webhookEndpoints)
      .where(and(eq(webhookEndpoints.id, endpointId), eq(webhookEndpoints.merchantId, ctx.merchantId)))
      .for("update");
    if (!current) throw notFound("Webhook endpoint");
    const secret = newWebhookSecret();
    const previousValidUntil = new Date(now(ctx).getTime() + SECRET_GRACE_HOURS * 3_600_000);
    await tx.db
      .update(webhookEndpoints)
      .set({ secret: encryptSecret(secret), previousSecret: current.secret, previousSecretUntil: previousValidUntil })
      .where(eq(webhookEndpoints.id, endpointId));
    await audit(tx.db, ctx.merchantId, ctx.actor, "webhook.secret_rotated", { type: "webhook_endpoint", id: endpointId }, { previousValidUntil: previousValidUntil.toISOString() });
    return { secret, previousValidUntil };
  });
}

export async function setEndpointActive(ctx: Ctx, endpointId: string, active: boolean): Promise<WebhookEndpoint> {
  assertCan(ctx.actor, "webhooks:manage");
  const [endpoint] = await ctx.db
    .update(webhookEndpoints)
    .set({ active })
    .where(and(eq(webhookEndpoints.id, endpointId), eq(webhookEndpoints.merchantId, ctx.merchantId)))
    .returning();
  if (!endpoint) throw notFound("Webhook endpoint");
  await audit(ctx.db, ctx.merchantId, ctx.actor, active ? "webhook.enabled" : "webhook.disabled", { type: "webhook_endpoint", id: endpointId });
  return endpoint;
}

/** Removes an endpoint with its deliveries and their attempts; events stop going to it at once. */
export async function deleteEndpoint(ctx: Ctx, endpointId: string): Promise<void> {
  assertCan(ctx.actor, "webhooks:manage");
  await withTransaction(ctx, async (tx) => {
    const [gone] = await tx.db
      .delete(webhookEndpoints)
      .where(and(eq(webhookEndpoints.id, endpointId), eq(webhookEndpoints.merchantId, ctx.merchantId)))
      .returning({ id: webhookEndpoints.id, url: webhookEndpoints.url });
    if (!gone) throw notFound("Webhook endpoint");
    await audit(tx.db, ctx.merchantId, ctx.actor, "webhook.deleted", { type: "webhook_endpoint", id: endpointId }, { url: gone.url });
  });
}

export async function getEndpoint(ctx: Ctx, endpointId: string): Promise<WebhookEndpoint> {
  assertCan(ctx.actor, "webhooks:manage");
  const [endpoint] = await ctx.db.select().from(webhookEndpoints).where(and(eq(webhookEndpoints.id, endpointId), eq(webhookEndpoints.merchantId, ctx.merchantId)));
  if (!endpoint) throw notFound("Webhook endpoint");
  return endpoint;
}

export async function listEndpoints(ctx: Ctx): Promise<WebhookEndpoint[]> {
  assertCan(ctx.actor, "webhooks:manage");
  return ctx.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.merchantId, ctx.merchantId)).orderBy(desc(webhookEndpoints.createdAt));
}

export async function listDeliveries(ctx: Ctx, opts: { endpointId?: string; limit?: number } = {}): Promise<WebhookDelivery[]> {
  assertCan(ctx.actor, "webhooks:manage");
  return ctx.db
    .select()
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.merchantId, ctx.merchantId), opts.endpointId ? eq(webhookDeliveries.endpointId, opts.endpointId) : undefined))
    .orderBy(desc(webhookDeliveries.createdAt))
    .limit(opts.limit ?? 100);
}

export async function deliveryAttempts(ctx: Ctx, deliveryId: string): Promise<WebhookAttempt[]> {
  assertCan(ctx.actor, "webhooks:manage");
  const [delivery] = await ctx.db
    .select({ id: webhookDeliveries.id })
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.id, deliveryId), eq(webhookDeliveries.merchantId, ctx.merchantId)));
  if (!delivery) throw notFound("Webhook delivery");
  return ctx.db.select().from(webhookAttempts).where(eq(webhookAttempts.deliveryId, deliveryId)).orderBy(desc(webhookAttempts.createdAt));
}

/** Sends a delivery again (same webhook-id, so the receiver can tell it is the same event). */
export async function replayDelivery(ctx: Ctx, deliveryId: string): Promise<WebhookDelivery> {
  assertCan(ctx.actor, "webhooks:manage");
  return withTransaction(ctx, async (tx) => {
    const [delivery] = await tx.db
      .update(webhookDeliveries)
      .set({ status: "pending" })
      .where(and(eq(webhookDeliveries.id, deliveryId), eq(webhookDeliveries.merchantId, ctx.merchantId)))
      .returning();
    if (!delivery) throw notFound("Webhook delivery");
    await recordEvents(tx.db, ctx.merchantId, [{ type: "webhook_delivery.requested", payload: { deliveryId } }]);
    await audit(tx.db, ctx.merchantId, ctx.actor, "webhook.replayed", { type: "webhook_delivery", id: deliveryId });
    return delivery;
  });
}
