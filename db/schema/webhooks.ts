import { boolean, index, integer, jsonb, pgEnum, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { belongsTo, createdAt, id, ts } from "./_common";
import { merchantOwned } from "./merchants";

// A merchant's endpoint and the event types it wants; signed per Standard Webhooks with `secret`.
export const webhookEndpoints = pgTable(
  "webhook_endpoints",
  {
    ...merchantOwned(),
    url: text("url").notNull(),
    description: text("description"),
    events: jsonb("events").$type<string[]>().notNull(),
    secret: text("secret").notNull(),
    // After a rotation the old secret also signs (a second signature) until previousSecretUntil.
    previousSecret: text("previous_secret"),
    previousSecretUntil: ts("previous_secret_until"),
    active: boolean("active").notNull().default(true),
    createdAt: createdAt(),
  },
  (t) => [index("webhook_endpoints_merchant_idx").on(t.merchantId)],
);

export const webhookDeliveryStatusEnum = pgEnum("webhook_delivery_status", ["pending", "delivered", "failed"]);

// One event for one endpoint. Its id is the webhook-id header, the same on every retry and replay.
export const webhookDeliveries = pgTable(
  "webhook_deliveries",
  {
    id: id(),
    merchantId: text("merchant_id").notNull(),
    endpointId: belongsTo("endpoint_id", () => webhookEndpoints.id),
    eventId: text("event_id").notNull(),
    eventType: text("event_type").notNull(),
    payload: jsonb("payload").$type<Record<string, unknown>>().notNull(),
    status: webhookDeliveryStatusEnum("status").notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    lastStatusCode: integer("last_status_code"),
    lastError: text("last_error"),
    lastAttemptAt: ts("last_attempt_at"),
    deliveredAt: ts("delivered_at"),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("webhook_deliveries_endpoint_event_uq").on(t.endpointId, t.eventId), index("webhook_deliveries_merchant_idx").on(t.merchantId, t.createdAt)],
);

// Every attempt of a delivery: the log the dashboard shows.
export const webhookAttempts = pgTable(
  "webhook_attempts",
  {
    id: id(),
    deliveryId: belongsTo("delivery_id", () => webhookDeliveries.id),
    statusCode: integer("status_code"),
    error: text("error"),
    durationMs: integer("duration_ms").notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("webhook_attempts_delivery_idx").on(t.deliveryId, t.createdAt)],
);

export type WebhookEndpoint = typeof webhookEndpoints.$inferSelect;
export type WebhookDelivery = typeof webhookDeliveries.$inferSelect;
export type WebhookAttempt = typeof webhookAttempts.$inferSelect;
