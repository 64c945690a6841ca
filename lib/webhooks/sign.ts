import { randomBytes } from "node:crypto";
import { Webhook } from "standardwebhooks";

/** A new Standard Webhooks secret: `whsec_` and 24 random bytes in base64. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString("base64")}`;
}

/**
 * Headers of a Standard Webhooks request: webhook-id (the same on every retry of one message),
 * webhook-timestamp (seconds) and webhook-signature (v1, HMAC-SHA256 of id.timestamp.body).
 */
export function signedHeaders(secret: string, messageId: string, body: string, at = new Date()): Record<string, string> {
  const signature = new Webhook(secret).sign(messageId, at, body);
  return {
    "content-type": "application/json",
    "webhook-id": messageId,
    "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
    "webhook-signature": signature,
  };
}

export type PostOutcome = { ok: boolean; status: number | null; error: string | null; retryable: boolean; durationMs: number; body: string | null };

/** POSTs a signed body with a time limit; 2xx is success, 408/429/5xx and network errors are worth retrying. */
export async function postSigned(url: string, headers: Record<string, string>, body: string, timeoutMs: number): Promise<PostOutcome> {
  const started = performance.now();
  const took = () => Math.round(performance.now() - started);
  try {
    const res = await fetch(url, { method: "POST", headers, body, signal: AbortSignal.timeout(timeoutMs), redirect: "manual" });
    const text = await res.text().catch(() => "");
    const ok = res.status >= 200 && res.status < 300;
    return {
      ok,
      status: res.status,
      error: ok ? null : `HTTP ${res.status}${text ? `: ${text.slice(0, 200)}` : ""}`,
      retryable: !ok && (res.status === 408 || res.status === 429 || res.status >= 500),
      durationMs: took(),
      body: text.slice(0, 1000),
    };
  } catch (error) {
    const name = error instanceof Error ? error.name : "";
    const message = name === "TimeoutError" || name === "AbortError" ? `no answer within ${timeoutMs} ms` : error instanceof Error ? error.message : String(error);
    return { ok: false, status: null, error: message.slice(0, 300), retryable: true, durationMs: took(), body: null };
  }
}
