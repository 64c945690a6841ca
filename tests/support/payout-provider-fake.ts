import http from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";

/** Small seeded PRNG, so a failing run can be replayed with the same seed. */
function mulberry32(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Options = { failRate?: number; timeoutRate?: number; delayMs?: number; hangMs?: number; seed?: number };

/**
 * A merchant's payout endpoint on loopback. It checks the Standard Webhooks signature, pays each
 * Idempotency-Key at most once (a repeat gets the first answer), fails `failRate` of calls with a
 * 503 before paying, and on `timeoutRate` of calls pays but answers only after `hangMs`, the way
 * a slow provider leaves the caller unsure whether it paid.
 */
export async function startPayoutProviderFake(opts: Options = {}) {
  const random = mulberry32(opts.seed ?? 42);
  const state = { secret: "", inFlight: 0, maxInFlight: 0, calls: 0, transient: 0, timeouts: 0, badSignatures: 0, repeats: 0 };
  const paid = new Map<string, { cardId: string; amount: number; reference: string }>();
  const keysByCard = new Map<string, Set<string>>();

  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", async () => {
      state.calls++;
      state.inFlight++;
      state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
      const done = (status: number, payload: unknown) => {
        state.inFlight--;
        if (!res.destroyed) res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(payload));
      };
      try {
        new Webhook(state.secret).verify(body, req.headers as Record<string, string>);
      } catch {
        state.badSignatures++;
        return done(401, { error: "bad signature" });
      }
      const key = req.headers["idempotency-key"] as string | undefined;
      if (!key) return done(400, { error: "Idempotency-Key required" });
      if (opts.delayMs) await new Promise((r) => setTimeout(r, opts.delayMs));
      const roll = random();
      if (roll < (opts.failRate ?? 0)) {
        state.transient++;
        return done(503, { error: "try again" });
      }
      const { data } = JSON.parse(body) as { data: { cardId: string; amount: number } };
      let payment = paid.get(key);
      if (payment) state.repeats++;
      else {
        payment = { cardId: data.cardId, amount: data.amount, reference: `pp_${paid.size + 1}` };
        paid.set(key, payment);
        const keys = keysByCard.get(data.cardId) ?? new Set();
        keys.add(key);
        keysByCard.set(data.cardId, keys);
      }
      if (roll < (opts.failRate ?? 0) + (opts.timeoutRate ?? 0)) {
        state.timeouts++;
        await new Promise((r) => setTimeout(r, opts.hangMs ?? 2000));
      }
      done(200, { reference: payment.reference });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/payouts`;
  return {
    url,
    state,
    paid,
    keysByCard,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
