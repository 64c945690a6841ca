import http from "node:http";
import type { AddressInfo } from "node:net";

export type FakeInngestEvent = { id?: string; name: string; data: Record<string, unknown>; ts?: number };

/**
 * A stand-in for Inngest's event API (POST /e/{eventKey}) on loopback. Like Inngest it
 * deduplicates by event id; `mode` makes it answer, fail with 503, or never answer.
 */
export async function startInngestFake() {
  const received: FakeInngestEvent[] = [];
  const accepted = new Map<string, FakeInngestEvent>();
  const state = { mode: "up" as "up" | "down" | "hang", requests: 0 };
  const hanging = new Set<http.ServerResponse>();

  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      state.requests++;
      if (req.method !== "POST" || !req.url?.startsWith("/e/")) {
        res.writeHead(404).end();
        return;
      }
      if (state.mode === "hang") {
        hanging.add(res);
        return;
      }
      if (state.mode === "down") {
        res.writeHead(503, { "content-type": "application/json" }).end(JSON.stringify({ status: 503, error: "unavailable" }));
        return;
      }
      const parsed = JSON.parse(body) as FakeInngestEvent | FakeInngestEvent[];
      const list = Array.isArray(parsed) ? parsed : [parsed];
      const ids: string[] = [];
      for (const event of list) {
        received.push(event);
        const id = event.id ?? `gen-${received.length}`;
        if (!accepted.has(id)) accepted.set(id, event);
        ids.push(id);
      }
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ ids, status: 200 }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    state,
    /** Every event posted, duplicates included. */
    received,
    /** Events by id, as Inngest would keep them (a resend with the same id is dropped). */
    accepted,
    setMode(mode: "up" | "down" | "hang") {
      state.mode = mode;
      if (mode !== "hang") for (const res of hanging) res.destroy();
      if (mode !== "hang") hanging.clear();
    },
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * Starts the fake and points the app's Inngest client at it. Call it inside `vi.hoisted`, before
 * lib/events/inngest.ts is imported: the client reads its options once.
 */
export async function useInngestFake(overrides: { sendTimeoutMs?: number } = {}) {
  const fake = await startInngestFake();
  const { env } = await import("../../lib/env");
  Object.assign(env, { INNGEST_BASE_URL: fake.url, INNGEST_EVENT_KEY: "test-event-key", INNGEST_DEV: undefined, INNGEST_SEND_TIMEOUT_MS: overrides.sendTimeoutMs ?? 800 });
  return fake;
}
