import http from "node:http";
import type { AddressInfo } from "node:net";

export type GoogleRequest = { method: string; path: string; authorization: string | undefined; body: Record<string, unknown> | null; at: number };

/**
 * A local Google Wallet REST API: loyaltyClass and loyaltyObject insert (409 when the id
 * exists), GET (with the object's messages), PATCH (merging fields) and addMessage, with the
 * stores and every request recorded. It accepts only the bearer token the test injects.
 *
 * Like Google, addMessage keeps a message whose id is already there (ids may repeat). `behave`
 * makes it misbehave the way Google does: `quota` answers 429 (RESOURCE_EXHAUSTED, QuotaExceeded)
 * to notifying messages and notifyOnUpdate PATCHes; `loseAnswers` takes that many addMessage
 * calls and then answers 503 as if the answer were lost on the way back.
 */
export async function startGoogleFake(opts: { token?: string } = {}) {
  const token = opts.token ?? "test-access-token";
  const requests: GoogleRequest[] = [];
  const classes = new Map<string, Record<string, unknown>>();
  const objects = new Map<string, Record<string, unknown> & { messages?: unknown[] }>();
  const behaviour = { quota: false, loseAnswers: 0 };
  const quota = { error: { code: 429, status: "RESOURCE_EXHAUSTED", message: "Quota exceeded: notifications for this pass", errors: [{ reason: "QuotaExceeded" }] } };

  const server = http.createServer((req, res) => {
    let raw = "";
    req.on("data", (c) => (raw += c));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://x");
      const path = url.pathname.replace(/^\/walletobjects\/v1/, "");
      const body = raw && url.pathname !== "/token" ? (JSON.parse(raw) as Record<string, unknown>) : null;
      requests.push({ method: req.method ?? "GET", path, authorization: req.headers.authorization, body, at: Date.now() });
      const send = (status: number, data: unknown) => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify(data));
      };
      // Google's OAuth token endpoint (GOOGLE_OAUTH_TOKEN_URL): a service-account assertion gets the fake's token.
      if (req.method === "POST" && url.pathname === "/token") {
        const grant = new URLSearchParams(raw);
        if (grant.get("grant_type") !== "urn:ietf:params:oauth:grant-type:jwt-bearer" || !grant.get("assertion")) return send(400, { error: "invalid_grant" });
        return send(200, { access_token: token, expires_in: 3600, token_type: "Bearer" });
      }
      if (req.headers.authorization !== `Bearer ${token}`) return send(401, { error: { code: 401, message: "Request had invalid authentication credentials." } });
      const m = /^\/(loyaltyClass|loyaltyObject)(?:\/([^/]+))?(\/addMessage)?$/.exec(path);
      if (!m) return send(404, { error: { code: 404, message: "no such endpoint" } });
      const store = m[1] === "loyaltyClass" ? classes : objects;
      const id = m[2] ? decodeURIComponent(m[2]) : undefined;
      if (req.method === "POST" && !id) {
        const newId = String(body?.id ?? "");
        if (!newId) return send(400, { error: { code: 400, message: "id is required" } });
        if (store.has(newId)) return send(409, { error: { code: 409, message: "Resource already exists" } });
        store.set(newId, { ...body });
        return send(200, store.get(newId));
      }
      const existing = id ? store.get(id) : undefined;
      if (!existing) return send(404, { error: { code: 404, message: "Resource not found" } });
      if (req.method === "GET") return send(200, existing);
      if (req.method === "PATCH") {
        if (behaviour.quota && body?.notifyPreference === "notifyOnUpdate") return send(429, quota);
        Object.assign(existing, body);
        return send(200, existing);
      }
      if (req.method === "POST" && m[3]) {
        const list = ((existing as { messages?: { id?: string }[] }).messages ??= []);
        const message = body?.message as { id?: string; messageType?: string } | undefined;
        if (behaviour.quota && message?.messageType === "TEXT_AND_NOTIFY") return send(429, quota);
        // Like Google: a repeated message id is not refused, the object just has two.
        list.push(message ?? {});
        if (behaviour.loseAnswers > 0) {
          behaviour.loseAnswers--;
          return send(503, { error: { code: 503, message: "backend unavailable" } });
        }
        return send(200, { resource: existing });
      }
      return send(405, { error: { code: 405, message: "method not allowed" } });
    });
  });
  // The client keeps connections alive; Node's 5-second default closes an idle one just as a slow
  // (loaded) test reuses it, which shows as ECONNRESET. Keep idle connections for a minute.
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    baseUrl: `http://127.0.0.1:${port}/walletobjects/v1`,
    tokenUrl: `http://127.0.0.1:${port}/token`,
    token,
    requests,
    classes,
    objects,
    behave(b: Partial<typeof behaviour>) {
      Object.assign(behaviour, b);
    },
    reset() {
      requests.length = 0;
      Object.assign(behaviour, { quota: false, loseAnswers: 0 });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
