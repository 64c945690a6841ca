import { createSign, createVerify, generateKeyPairSync, randomBytes, randomUUID } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { crc32 } from "node:zlib";

/*
 * A local stand-in for the PayPal REST API that Keepcard's payouts use: client-credentials OAuth
 * (/v1/oauth2/token, Basic auth, form body), Payouts (POST /v1/payments/payouts, GET a batch) and
 * webhook signature verification (/v1/notifications/verify-webhook-signature). As PayPal does, a
 * POST repeated with the same PayPal-Request-Id gets the first answer and pays nothing, and a
 * sender_batch_id used before is refused. Webhook events it makes are signed the way PayPal signs
 * them: SHA256withRSA over `<transmission id>|<time>|<webhook id>|<crc32 of the body>`.
 */

type Item = {
  payout_item_id: string;
  transaction_status: string;
  payout_batch_id: string;
  payout_item: { recipient_type: string; amount: { value: string; currency: string }; receiver: string; sender_item_id: string; note?: string };
};
type Batch = { payout_batch_id: string; batch_status: string; sender_batch_header: Record<string, unknown>; items: Item[] };

export async function startPaypalFake(opts: { clientId?: string; clientSecret?: string; webhookId?: string } = {}) {
  const clientId = opts.clientId ?? "paypal-client";
  const clientSecret = opts.clientSecret ?? "paypal-secret";
  const webhookId = opts.webhookId ?? "WH-KEEPCARD-FAKE";
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const tokens = new Set<string>();
  const batches = new Map<string, Batch>();
  const senderBatchIds = new Set<string>();
  const byRequestId = new Map<string, { status: number; body: string }>();
  const state = { tokenCalls: 0, payoutCalls: 0, replays: 0, unauthorized: 0, verifications: 0 };
  const listeners: Array<(b: Batch) => void> = [];
  let base = "";

  const server = http.createServer((req, res) => {
    let raw = "";
    req.on("data", (c) => (raw += c));
    req.on("end", () => {
      const send = (status: number, body: unknown) => {
        if (!res.destroyed) res.writeHead(status, { "content-type": "application/json", "paypal-debug-id": randomBytes(6).toString("hex") }).end(typeof body === "string" ? body : JSON.stringify(body));
      };
      const url = new URL(req.url ?? "/", "http://localhost");
      if (url.pathname === "/certs/fake.pem") return void res.writeHead(200, { "content-type": "application/x-pem-file" }).end(publicKey.export({ type: "spki", format: "pem" }));
      if (req.method === "POST" && url.pathname === "/v1/oauth2/token") {
        state.tokenCalls++;
        const expected = `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString("base64")}`;
        if (req.headers.authorization !== expected) return send(401, { error: "invalid_client", error_description: "Client Authentication failed" });
        if (new URLSearchParams(raw).get("grant_type") !== "client_credentials") return send(400, { error: "unsupported_grant_type", error_description: "Grant Type is NULL" });
        const token = `A21AA${randomBytes(24).toString("hex")}`;
        tokens.add(token);
        return send(200, { scope: "https://uri.paypal.com/services/payments/payouts", access_token: token, token_type: "Bearer", app_id: "APP-FAKE", expires_in: 32400, nonce: randomUUID() });
      }
      const bearer = String(req.headers.authorization ?? "").replace(/^Bearer /, "");
      if (!tokens.has(bearer)) {
        state.unauthorized++;
        return send(401, { error: "invalid_token", error_description: "Access Token not found in cache" });
      }
      let body: Record<string, unknown> = {};
      try {
        body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
      } catch {
        return send(400, { name: "MALFORMED_REQUEST", message: "Incoming JSON request does not map to API request" });
      }
      if (req.method === "POST" && url.pathname === "/v1/payments/payouts") {
        state.payoutCalls++;
        const requestId = req.headers["paypal-request-id"] as string | undefined;
        if (requestId && byRequestId.has(requestId)) {
          state.replays++;
          const first = byRequestId.get(requestId)!;
          return send(first.status, first.body);
        }
        const answer = createBatch(body);
        const text = JSON.stringify(answer.body);
        if (requestId && answer.status < 500) byRequestId.set(requestId, { status: answer.status, body: text });
        return send(answer.status, text);
      }
      const get = url.pathname.match(/^\/v1\/payments\/payouts\/([\w-]+)$/);
      if (req.method === "GET" && get) {
        const batch = batches.get(get[1]!);
        if (!batch) return send(404, { name: "RESOURCE_NOT_FOUND", message: "The specified resource does not exist." });
        return send(200, { batch_header: { payout_batch_id: batch.payout_batch_id, batch_status: batch.batch_status, sender_batch_header: batch.sender_batch_header }, items: batch.items });
      }
      if (req.method === "POST" && url.pathname === "/v1/notifications/verify-webhook-signature") {
        state.verifications++;
        return send(200, { verification_status: verify(body) ? "SUCCESS" : "FAILURE" });
      }
      send(404, { name: "RESOURCE_NOT_FOUND", message: "The specified resource does not exist." });
    });
  });

  function createBatch(body: Record<string, unknown>): { status: number; body: unknown } {
    const header = body.sender_batch_header as Record<string, unknown> | undefined;
    const items = body.items as Array<Item["payout_item"]> | undefined;
    const senderBatchId = header?.sender_batch_id;
    if (typeof senderBatchId !== "string" || !Array.isArray(items) || items.length === 0 || items.length > 15000) {
      return { status: 400, body: { name: "VALIDATION_ERROR", message: "Invalid request - see details", details: [{ field: "sender_batch_header", issue: "required" }] } };
    }
    if (senderBatchIds.has(senderBatchId)) {
      return { status: 400, body: { name: "USER_BUSINESS_ERROR", message: "User business error.", details: [{ field: "SENDER_BATCH_ID", issue: "Batch with given sender_batch_id already exists" }] } };
    }
    for (const item of items) {
      if (!/^[^@\s]+@[^@\s]+$/.test(String(item.receiver)) || !/^\d+(\.\d+)?$/.test(String(item.amount?.value)) || !/^[A-Z]{3}$/.test(String(item.amount?.currency))) {
        return { status: 400, body: { name: "VALIDATION_ERROR", message: "Invalid request - see details", details: [{ field: "items", issue: "invalid" }] } };
      }
    }
    senderBatchIds.add(senderBatchId);
    const id = randomBytes(7).toString("hex").toUpperCase();
    const batch: Batch = {
      payout_batch_id: id,
      batch_status: "PENDING",
      sender_batch_header: header!,
      items: items.map((item) => ({ payout_item_id: randomBytes(7).toString("hex").toUpperCase(), transaction_status: "PENDING", payout_batch_id: id, payout_item: { ...item, recipient_type: item.recipient_type ?? "EMAIL" } })),
    };
    batches.set(id, batch);
    for (const listener of listeners) listener(batch);
    return { status: 201, body: { batch_header: { payout_batch_id: id, batch_status: "PENDING", sender_batch_header: header }, links: [{ href: `${base}/v1/payments/payouts/${id}`, rel: "self", method: "GET" }] } };
  }

  function signedString(transmissionId: string, time: string, hookId: string, event: unknown): string {
    return `${transmissionId}|${time}|${hookId}|${crc32(JSON.stringify(event)) >>> 0}`;
  }

  function verify(body: Record<string, unknown>): boolean {
    if (body.cert_url !== `${base}/certs/fake.pem` || body.auth_algo !== "SHA256withRSA") return false;
    if (typeof body.transmission_sig !== "string" || typeof body.transmission_id !== "string" || typeof body.transmission_time !== "string" || typeof body.webhook_id !== "string") return false;
    const verifier = createVerify("RSA-SHA256");
    verifier.update(signedString(body.transmission_id, body.transmission_time, body.webhook_id, body.webhook_event));
    try {
      return verifier.verify(publicKey, Buffer.from(body.transmission_sig, "base64"));
    } catch {
      return false;
    }
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const STATUS: Record<string, string> = { SUCCEEDED: "SUCCESS", FAILED: "FAILED", UNCLAIMED: "UNCLAIMED", RETURNED: "RETURNED", BLOCKED: "BLOCKED", REFUNDED: "REFUNDED", REVERSED: "REVERSED", DENIED: "DENIED", CANCELED: "CANCELED", HELD: "ONHOLD" };
  return {
    url: base,
    clientId,
    clientSecret,
    webhookId,
    state,
    batches,
    onBatch: (listener: (b: Batch) => void) => listeners.push(listener),
    /** Every item PayPal accepted, over all batches. */
    items: () => [...batches.values()].flatMap((b) => b.items),
    /**
     * Settles an item (by our sender_item_id) and returns the webhook delivery PayPal would send:
     * the body and its transmission headers, signed for `hookId` (the registered webhook's id).
     */
    itemEvent(senderItemId: string, outcome: keyof typeof STATUS, hookId = webhookId) {
      const item = [...batches.values()].flatMap((b) => b.items).find((i) => i.payout_item.sender_item_id === senderItemId);
      if (!item) throw new Error(`no PayPal item for ${senderItemId}`);
      item.transaction_status = STATUS[outcome]!;
      const event = {
        id: `WH-${randomBytes(8).toString("hex").toUpperCase()}`,
        event_version: "1.0",
        create_time: new Date().toISOString(),
        resource_type: "payouts_item",
        event_type: `PAYMENT.PAYOUTS-ITEM.${outcome}`,
        summary: `A payout item has ${outcome.toLowerCase()}`,
        resource: { ...item, transaction_id: randomBytes(8).toString("hex").toUpperCase(), time_processed: new Date().toISOString() },
      };
      return { event, ...this.sign(event, hookId) };
    },
    /** The transmission headers PayPal sends with `event`. */
    sign(event: unknown, hookId = webhookId) {
      const transmissionId = randomUUID();
      const time = new Date().toISOString();
      const signer = createSign("RSA-SHA256");
      signer.update(signedString(transmissionId, time, hookId, event));
      return {
        body: JSON.stringify(event),
        headers: {
          "content-type": "application/json",
          "paypal-auth-algo": "SHA256withRSA",
          "paypal-cert-url": `${base}/certs/fake.pem`,
          "paypal-transmission-id": transmissionId,
          "paypal-transmission-sig": signer.sign(privateKey, "base64"),
          "paypal-transmission-time": time,
        },
      };
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
