import { randomBytes } from "node:crypto";
import { Webhook } from "standardwebhooks";
import { outboundPost, type OutboundOutcome } from "../outbound/fetch";

/** A new Standard Webhooks secret: `whsec_` and 24 random bytes in base64. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString("base64")}`;
}

/**
 * Headers of a Standard Webhooks request: webhook-id (the same on every retry of one message),
 * webhook-timestamp (seconds) and webhook-signature (v1, HMAC-SHA256 of id.timestamp.body). With
 * several secrets (a rotation's grace period) the header carries one signature per secret,
 * space-separated, as the specification allows: a receiver with either secret verifies.
 */
export function signedHeaders(secret: string | string[], messageId: string, body: string, at = new Date()): Record<string, string> {
  const secrets = Array.isArray(secret) ? secret : [secret];
  const signature = secrets.map((s) => new Webhook(s).sign(messageId, at, body)).join(" ");
  return {
    "content-type": "application/json",
    "webhook-id": messageId,
    "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
    "webhook-signature": signature,
  };
}

export type PostOutcome = OutboundOutcome;

/**
 * POSTs a signed body to a merchant's URL through the outbound guard (public addresses only, no
 * redirects, 64 KiB, one time limit); 2xx is success, 408/429/5xx and network errors are worth retrying.
 */
export function postSigned(url: string, headers: Record<string, string>, body: string, timeoutMs: number): Promise<PostOutcome> {
  return outboundPost({ url, headers, body, timeoutMs });
}
