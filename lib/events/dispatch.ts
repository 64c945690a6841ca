import { and, asc, eq, inArray, isNull, sql } from "drizzle-orm";
import type { Executor } from "../../db/client";
import { outboxEvents, webhookEndpoints, type OutboxEvent } from "../../db/schema";
import { WEBHOOK_EVENTS } from "./catalogue";
import { env } from "../env";
import { beat } from "./heartbeat";
import { inngest } from "./inngest";

/** Whether events can go anywhere: an Inngest event key (cloud) or the dev server. */
export function inngestConfigured(): boolean {
  return Boolean(env.INNGEST_EVENT_KEY || env.INNGEST_DEV);
}

/** The heartbeat name the send after each commit (and each sweep round) reports under. */
export const DISPATCH_HEARTBEAT = "dispatch";

export type DispatchResult = { sent: number; failed: number; error?: string };

const CHUNK = 100;

/**
 * Sends outbox events that were not delivered yet to Inngest, oldest first, with the outbox id as
 * the Inngest event id: sending one twice (a sweep racing a request, a timeout after delivery) is
 * deduplicated by Inngest. Marks what was accepted; what failed stays pending for the next sweep.
 */
export async function dispatchPending(db: Executor, opts: { limit?: number; timeoutMs?: number; merchantId?: string } = {}): Promise<DispatchResult> {
  if (!inngestConfigured()) return { sent: 0, failed: 0, error: "Inngest is not configured" };
  const pending = await db
    .select()
    .from(outboxEvents)
    .where(opts.merchantId ? and(isNull(outboxEvents.dispatchedAt), eq(outboxEvents.merchantId, opts.merchantId)) : isNull(outboxEvents.dispatchedAt))
    .orderBy(asc(outboxEvents.createdAt), asc(outboxEvents.id))
    .limit(opts.limit ?? 500);
  const result: DispatchResult = { sent: 0, failed: 0 };
  for (let i = 0; i < pending.length; i += CHUNK) {
    const chunk = pending.slice(i, i + CHUNK);
    const ids = chunk.map((e) => e.id);
    try {
      const subscribed = await webhookSubscriptions(db, chunk);
      await withTimeout(inngest.send(chunk.map((e) => toInngestEvent(e, subscribed))), opts.timeoutMs ?? env.INNGEST_SEND_TIMEOUT_MS);
      await db
        .update(outboxEvents)
        .set({ dispatchedAt: new Date(), attempts: sql`${outboxEvents.attempts} + 1`, lastError: null })
        .where(inArray(outboxEvents.id, ids));
      result.sent += chunk.length;
    } catch (error) {
      const message = describe(error);
      await db
        .update(outboxEvents)
        .set({ attempts: sql`${outboxEvents.attempts} + 1`, lastError: message })
        .where(inArray(outboxEvents.id, ids));
      result.failed += pending.length - i;
      result.error = message;
      break; // Inngest is away: leave the rest for the sweep.
    }
  }
  if (pending.length > 0) await beat(db, DISPATCH_HEARTBEAT, { ok: !result.error, error: result.error, details: { sent: result.sent, failed: result.failed } });
  return result;
}

const WEBHOOK_EVENT_SET = new Set<string>(WEBHOOK_EVENTS);

/** `${merchantId} ${eventType}` for each event type an active endpoint of these events' businesses takes. */
async function webhookSubscriptions(db: Executor, chunk: Pick<OutboxEvent, "merchantId" | "type">[]): Promise<Set<string>> {
  const merchantIds = [...new Set(chunk.filter((e) => WEBHOOK_EVENT_SET.has(e.type)).map((e) => e.merchantId))];
  if (merchantIds.length === 0) return new Set();
  const rows = await db
    .select({ merchantId: webhookEndpoints.merchantId, events: webhookEndpoints.events })
    .from(webhookEndpoints)
    .where(and(inArray(webhookEndpoints.merchantId, merchantIds), eq(webhookEndpoints.active, true)));
  return new Set(rows.flatMap((r) => r.events.map((type) => `${r.merchantId} ${type}`)));
}

/**
 * The Inngest event for an outbox row. An event a business could receive by webhook says whether
 * one of its endpoints takes it (`data.webhooks`): the fan-out function's trigger skips the rest, so
 * a business without endpoints costs no run per change. Without `subscribed` (tests, replays) the
 * flag is left out and the fan-out runs and looks for itself.
 */
export function toInngestEvent(e: Pick<OutboxEvent, "id" | "type" | "merchantId" | "payload" | "createdAt">, subscribed?: Set<string>) {
  const webhooks = subscribed && WEBHOOK_EVENT_SET.has(e.type) ? { webhooks: subscribed.has(`${e.merchantId} ${e.type}`) } : {};
  return { id: e.id, name: e.type, data: { ...e.payload, merchantId: e.merchantId, ...webhooks }, ts: e.createdAt.getTime() };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Inngest did not answer within ${ms} ms`)), ms);
  });
  // A send that loses the race may still land later; its events are resent with the same ids.
  promise.catch(() => {});
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function describe(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split("\n")[0]!.slice(0, 300);
}
