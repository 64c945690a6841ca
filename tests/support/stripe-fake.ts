import { createHash, randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";

/*
 * A local stand-in for the part of Stripe's API that Keepcard's payouts use (Connect Express
 * accounts, account links, transfers), answering the way Stripe does: form-encoded bodies with
 * bracketed keys, `Authorization: Bearer <secret key>`, JSON objects with Stripe's ids and error
 * shape, and idempotency — a POST repeated with the same Idempotency-Key and the same parameters
 * gets the first answer again (`Idempotent-Replayed: true`) and does nothing; the same key with
 * other parameters is an idempotency_error.
 */

type Account = { id: string; object: "account"; type: string; email: string | null; details_submitted: boolean; payouts_enabled: boolean; charges_enabled: boolean; capabilities: Record<string, string>; metadata: Record<string, string>; created: number };
type Transfer = { id: string; object: "transfer"; amount: number; amount_reversed: number; currency: string; destination: string; transfer_group: string | null; description: string | null; metadata: Record<string, string>; reversed: boolean; created: number };

/** Stripe's form encoding: `a[b][c]=1` → { a: { b: { c: "1" } } }. */
export function parseStripeForm(body: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(body)) {
    const path = key.replace(/\]/g, "").split("[");
    let node = out as Record<string, unknown>;
    for (const part of path.slice(0, -1)) node = (node[part] ??= {}) as Record<string, unknown>;
    node[path.at(-1)!] = value;
  }
  return out;
}

const stripeId = (prefix: string) => `${prefix}_${randomBytes(12).toString("base64url").replace(/[-_]/g, "x")}`;

export async function startStripeFake(opts: { secretKey?: string } = {}) {
  const secretKey = opts.secretKey ?? "sk_test_keepcard_fake";
  const accounts = new Map<string, Account>();
  const transfers = new Map<string, Transfer>();
  const idempotent = new Map<string, { fingerprint: string; status: number; body: string }>();
  const state = { requests: 0, transferCalls: 0, replays: 0, unauthorized: 0, failNextTransfers: 0, delayTransfersMs: 0 };
  /** Called after each transfer is created (before the answer goes out): the crash test watches this. */
  const listeners: Array<(t: Transfer) => void> = [];

  const error = (status: number, type: string, message: string, extra: Record<string, unknown> = {}) => ({ status, body: { error: { type, message, ...extra } } });

  const handle = async (method: string, path: string, params: Record<string, unknown>, query: URLSearchParams, base: string): Promise<{ status: number; body: unknown }> => {
    let m: RegExpMatchArray | null;
    if (method === "POST" && path === "/v1/accounts") {
      const account: Account = {
        id: stripeId("acct"),
        object: "account",
        type: String(params.type ?? "standard"),
        email: typeof params.email === "string" ? params.email : null,
        details_submitted: false,
        payouts_enabled: false,
        charges_enabled: false,
        capabilities: Object.fromEntries(Object.keys((params.capabilities as Record<string, unknown>) ?? {}).map((k) => [k, "inactive"])),
        metadata: (params.metadata as Record<string, string>) ?? {},
        created: Math.floor(Date.now() / 1000),
      };
      accounts.set(account.id, account);
      return { status: 200, body: account };
    }
    if (method === "GET" && (m = path.match(/^\/v1\/accounts\/(acct_\w+)$/))) {
      const account = accounts.get(m[1]!);
      return account ? { status: 200, body: account } : error(404, "invalid_request_error", `No such account: '${m[1]}'`, { code: "resource_missing", param: "account" });
    }
    if (method === "POST" && path === "/v1/account_links") {
      const account = accounts.get(String(params.account));
      if (!account) return error(400, "invalid_request_error", `No such account: '${String(params.account)}'`, { code: "resource_missing", param: "account" });
      for (const name of ["return_url", "refresh_url"]) {
        if (typeof params[name] !== "string" || !/^https?:\/\//.test(params[name] as string)) return error(400, "invalid_request_error", `Invalid URL: ${name}`, { param: name });
      }
      if (params.type !== "account_onboarding" && params.type !== "account_update") return error(400, "invalid_request_error", "Invalid type", { param: "type" });
      const link = new URL(`${base}/express/onboarding/${account.id}`);
      link.searchParams.set("return_url", String(params.return_url));
      return { status: 200, body: { object: "account_link", url: link.toString(), created: Math.floor(Date.now() / 1000), expires_at: Math.floor(Date.now() / 1000) + 300 } };
    }
    if (method === "POST" && path === "/v1/transfers") {
      state.transferCalls++;
      if (state.failNextTransfers > 0) {
        state.failNextTransfers--;
        return error(500, "api_error", "An unknown error occurred");
      }
      const amount = Number(params.amount);
      if (!Number.isInteger(amount) || amount <= 0) return error(400, "invalid_request_error", "Invalid positive integer", { param: "amount" });
      if (typeof params.currency !== "string" || !/^[a-z]{3}$/.test(params.currency)) return error(400, "invalid_request_error", "Invalid currency", { param: "currency" });
      const destination = accounts.get(String(params.destination));
      if (!destination) return error(400, "invalid_request_error", `No such destination: '${String(params.destination)}'`, { code: "resource_missing", param: "destination" });
      if (!destination.details_submitted) return error(400, "invalid_request_error", "Your destination account needs to have at least one of the following capabilities enabled: transfers", { code: "insufficient_capabilities_for_transfer" });
      if (state.delayTransfersMs) await new Promise((r) => setTimeout(r, state.delayTransfersMs));
      const transfer: Transfer = {
        id: stripeId("tr"),
        object: "transfer",
        amount,
        amount_reversed: 0,
        currency: params.currency,
        destination: destination.id,
        transfer_group: typeof params.transfer_group === "string" ? params.transfer_group : null,
        description: typeof params.description === "string" ? params.description : null,
        metadata: (params.metadata as Record<string, string>) ?? {},
        reversed: false,
        created: Math.floor(Date.now() / 1000),
      };
      transfers.set(transfer.id, transfer);
      for (const listener of listeners) listener(transfer);
      return { status: 200, body: transfer };
    }
    if (method === "GET" && path === "/v1/transfers") {
      const group = query.get("transfer_group");
      const data = [...transfers.values()].filter((t) => !group || t.transfer_group === group);
      return { status: 200, body: { object: "list", data, has_more: false, url: "/v1/transfers" } };
    }
    return error(404, "invalid_request_error", `Unrecognized request URL (${method}: ${path}).`);
  };

  const server = http.createServer((req, res) => {
    let raw = "";
    req.on("data", (c) => (raw += c));
    req.on("end", async () => {
      state.requests++;
      const send = (status: number, body: string, headers: Record<string, string> = {}) => {
        if (!res.destroyed) res.writeHead(status, { "content-type": "application/json", "request-id": stripeId("req"), ...headers }).end(body);
      };
      const url = new URL(req.url ?? "/", "http://localhost");
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      // The onboarding page a customer would fill in at Stripe: here it completes at once and goes back.
      const onboarding = url.pathname.match(/^\/express\/onboarding\/(acct_\w+)$/);
      if (req.method === "GET" && onboarding) {
        const account = accounts.get(onboarding[1]!);
        if (!account) return send(404, "{}");
        Object.assign(account, { details_submitted: true, payouts_enabled: true, capabilities: { ...account.capabilities, transfers: "active" } });
        res.writeHead(302, { location: url.searchParams.get("return_url") ?? "/" }).end();
        return;
      }
      if (req.headers.authorization !== `Bearer ${secretKey}`) {
        state.unauthorized++;
        return send(401, JSON.stringify({ error: { type: "invalid_request_error", message: "Invalid API Key provided." } }));
      }
      if (req.method === "POST" && raw && !String(req.headers["content-type"] ?? "").startsWith("application/x-www-form-urlencoded")) {
        return send(400, JSON.stringify({ error: { type: "invalid_request_error", message: "Stripe takes form-encoded bodies." } }));
      }
      const params = parseStripeForm(raw);
      const key = req.method === "POST" ? (req.headers["idempotency-key"] as string | undefined) : undefined;
      const fingerprint = createHash("sha256").update(`${url.pathname}\n${raw}`).digest("hex");
      if (key) {
        const seen = idempotent.get(key);
        if (seen) {
          if (seen.fingerprint !== fingerprint) {
            return send(400, JSON.stringify({ error: { type: "idempotency_error", message: "Keys for idempotent requests can only be used with the same parameters they were first used with." } }));
          }
          state.replays++;
          return send(seen.status, seen.body, { "idempotent-replayed": "true", "idempotency-key": key });
        }
      }
      const { status, body } = await handle(req.method ?? "GET", url.pathname, params, url.searchParams, base);
      const text = JSON.stringify(body);
      // Stripe keeps the result of a request that ran, success or failure, but not a 5xx.
      if (key && status < 500) idempotent.set(key, { fingerprint, status, body: text });
      send(status, text, key ? { "idempotency-key": key } : {});
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    secretKey,
    state,
    accounts,
    transfers,
    onTransfer: (listener: (t: Transfer) => void) => listeners.push(listener),
    /** An Express account that finished onboarding, as a linked customer has. */
    readyAccount(email = "customer@example.test"): string {
      const id = stripeId("acct");
      accounts.set(id, { id, object: "account", type: "express", email, details_submitted: true, payouts_enabled: true, charges_enabled: false, capabilities: { transfers: "active" }, metadata: {}, created: Math.floor(Date.now() / 1000) });
      return id;
    },
    /** Reverses a transfer in full, as the platform or Stripe would; returns the transfer as the webhook event carries it. */
    reverse(id: string): Transfer {
      const transfer = transfers.get(id)!;
      Object.assign(transfer, { amount_reversed: transfer.amount, reversed: true });
      return { ...transfer };
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
