import http from "node:http";
import type { AddressInfo } from "node:net";

export type FakeEmail = { id: string; from: string; to: string | string[]; subject: string; html?: string; text?: string; headers?: Record<string, string>; idempotencyKey: string | null };

/**
 * A stand-in for Resend's HTTP API (POST /emails) on loopback, for the real `resend` SDK.
 * Honours Idempotency-Key like Resend: the same key returns the first email and sends nothing.
 */
export async function startResendFake() {
  const sent: FakeEmail[] = [];
  const byKey = new Map<string, FakeEmail>();
  const state = { failNext: 0, requests: 0 };
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      state.requests++;
      const reply = (status: number, payload: unknown) => res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(payload));
      if (req.method !== "POST" || req.url !== "/emails") return reply(404, { name: "not_found", message: "not found", statusCode: 404 });
      if (!req.headers.authorization?.startsWith("Bearer ")) return reply(401, { name: "missing_api_key", message: "Missing API key", statusCode: 401 });
      if (state.failNext > 0) {
        state.failNext--;
        return reply(500, { name: "application_error", message: "Something went wrong", statusCode: 500 });
      }
      const key = (req.headers["idempotency-key"] as string | undefined) ?? null;
      if (key && byKey.has(key)) return reply(200, { id: byKey.get(key)!.id });
      const message = JSON.parse(body) as Omit<FakeEmail, "id" | "idempotencyKey">;
      const email = { ...message, id: `re_${sent.length + 1}`, idempotencyKey: key };
      sent.push(email);
      if (key) byKey.set(key, email);
      reply(200, { id: email.id });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    sent,
    state,
    to(address: string) {
      return sent.filter((e) => (Array.isArray(e.to) ? e.to.includes(address) : e.to === address));
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Starts the fake and points the app's email module (the real Resend SDK) at it. Call inside `vi.hoisted`. */
export async function useResendFake() {
  const fake = await startResendFake();
  process.env.RESEND_BASE_URL = fake.url;
  const { env } = await import("../../lib/env");
  Object.assign(env, { RESEND_API_KEY: "re_test_key", RESEND_BASE_URL: fake.url });
  return fake;
}
