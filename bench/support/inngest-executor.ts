import { createHmac, randomUUID } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A small stand-in for the Inngest server on loopback, for benchmarks against a production build
 * (the Inngest dev server downloads a binary and cannot be installed on these machines). It speaks
 * the same protocol to the app as Inngest Cloud does, so the app runs exactly as in production:
 *
 *  - events arrive at `POST /e/{eventKey}` (the app's outbox dispatch, `inngest.send`); one whose
 *    id was seen before is dropped, as Inngest deduplicates by event id;
 *  - `sync()` is an in-band sync: a signed `PUT /api/inngest` that answers with the app's functions
 *    (triggers, debounce, retries, step URL);
 *  - each matching event starts a run, debounced per key like Inngest (the run waits `period` after
 *    the last event of its key, at most `timeout` after the first, and gets the last event), or
 *    batched like Inngest's `batchEvents` (a batch per `key` value opens with its first event and
 *    starts one run when it holds `maxSize` events or `timeout` after that first event; the run
 *    gets them all as `events`, the first as `event`);
 *  - a function's `concurrency` limits (per key value when keyed) hold its runs back, first come
 *    first served, while that many of them are running; the stand-in's own `concurrency` caps all
 *    runs together;
 *  - a run is driven through signed `POST /api/inngest?fnId=…&stepId=step` calls carrying the
 *    run's internal function id, which makes SDK v4 checkpoint (its default with Inngest Cloud): it
 *    runs the steps one after another in the same call, reporting each to
 *    `POST /v1/checkpoint/{runId}/async`, and ends with a RunComplete op. Without checkpointing
 *    (BENCH_INNGEST_CHECKPOINT=0) a 206 answer carries the one step that ran, memoised and sent back
 *    with the next call. A 200 is the result; an error is retried with the next attempt number up
 *    to the function's retries, with the steps checkpointed so far.
 *
 * Requests are signed like Inngest's (`X-Inngest-Signature: t=<unix>&s=<hex HMAC-SHA256 of the
 * canonical JSON body + t, keyed by the signing key without its prefix>`), so the app checks them
 * with INNGEST_SIGNING_KEY as in production. Of the crons, those that run every minute (the outbox
 * sweep, which resends events a request could not) run once a minute; others (hourly, daily) and
 * other step kinds (sleep, waitForEvent) are not run: only what the wallet path needs.
 */

type FnConfig = {
  id: string;
  triggers: { event?: string; cron?: string; expression?: string }[];
  steps: Record<string, { runtime: { url: string }; retries?: { attempts?: number } }>;
  debounce?: { key?: string; period: string; timeout?: string };
  batchEvents?: { maxSize: number; timeout: string; key?: string; if?: string };
  concurrency?: number | { limit: number; key?: string; scope?: string } | { limit: number; key?: string; scope?: string }[];
};

/** A function's concurrency limits (Inngest's `concurrency`: a number, one limit, or up to two), account-scoped ones refused rather than guessed. */
function concurrencyLimits(fn: FnConfig): { limit: number; key?: string }[] {
  const c = fn.concurrency;
  if (c === undefined) return [];
  const list = typeof c === "number" ? [{ limit: c }] : Array.isArray(c) ? c : [c];
  for (const l of list) {
    if ("scope" in l && l.scope && l.scope !== "fn") throw new Error(`the local Inngest stand-in does not implement ${l.scope}-scoped concurrency (${fn.id})`);
  }
  return list.filter((l) => l.limit > 0);
}

type Event = { id?: string; name: string; data: Record<string, unknown>; ts?: number };

export type RunRecord = {
  fnId: string;
  eventName: string;
  /** Events in the run: 1, or a batch's size. */
  events: number;
  /** When the run was due: its batch complete or its debounce over. */
  queuedAt: number;
  startedAt: number;
  endedAt: number;
  calls: number;
  attempts: number;
  ok: boolean;
  error?: string;
};

/** JSON with keys sorted and no spaces (RFC 8785 for the strings, integers and objects we send): what the SDK signs. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v === undefined ? null : v)).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
}

function duration(text: string | undefined, fallback: number): number {
  const m = /^(\d+)(ms|s|m|h)$/.exec(text ?? "");
  if (!m) return fallback;
  return Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as "ms" | "s" | "m" | "h"];
}

/**
 * A trigger's `if` expression, for the forms the app uses: `event.data.<path> == <literal>` and
 * `!= <literal>` (true, false, null, a number or a quoted string). Anything else is refused rather
 * than guessed. As in Inngest, a missing field is null.
 */
export function matches(expression: string, event: Event): boolean {
  const m = /^\s*(event\.[\w.]+)\s*(==|!=)\s*(true|false|null|-?\d+(?:\.\d+)?|'[^']*'|"[^"]*")\s*$/.exec(expression);
  if (!m) throw new Error(`the local Inngest stand-in cannot evaluate the trigger expression ${JSON.stringify(expression)}`);
  let v: unknown = { event };
  for (const part of m[1]!.split(".")) v = v && typeof v === "object" ? (v as Record<string, unknown>)[part] : undefined;
  const literal = m[3]!;
  const expected = /^['"]/.test(literal) ? literal.slice(1, -1) : JSON.parse(literal);
  const equal = (v ?? null) === expected;
  return m[2] === "==" ? equal : !equal;
}

function valueAt(event: Event, expression: string): string {
  let v: unknown = { event };
  for (const part of expression.split(".")) v = v && typeof v === "object" ? (v as Record<string, unknown>)[part] : undefined;
  return String(v);
}

export async function startInngestExecutor(opts: { signingKey: string; concurrency?: number; retryBackoffMs?: number; checkpointing?: boolean }) {
  const checkpointed = new Map<string, Record<string, { type: "data"; data: unknown }>>();
  const hmacKey = opts.signingKey.replace(/^signkey-\w+-/, "");
  const sign = (body: string) => {
    const t = Math.floor(Date.now() / 1000).toString();
    return `t=${t}&s=${createHmac("sha256", hmacKey).update(body).update(t).digest("hex")}`;
  };
  let functions: FnConfig[] = [];
  const debounced = new Map<string, { event: Event; timer: NodeJS.Timeout; firstAt: number }>();
  const batches = new Map<string, { events: Event[]; timer: NodeJS.Timeout }>();
  const fnSlots = new Map<string, { running: number; waiting: (() => void)[] }>();
  const runs: RunRecord[] = [];
  const state = { events: 0, duplicates: 0, checkpoints: 0, running: 0, queued: 0, maxQueued: 0 };
  const waiting: (() => void)[] = [];
  const limit = opts.concurrency ?? 8;

  async function call(url: URL, body: unknown): Promise<{ status: number; json: unknown }> {
    const text = canonicalJson(body);
    const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json", "x-inngest-signature": sign(text) }, body: text });
    const raw = await res.text();
    let json: unknown = null;
    try {
      json = raw ? JSON.parse(raw) : null;
    } catch {
      json = raw;
    }
    return { status: res.status, json };
  }

  async function run(fn: FnConfig, event: Event, batch: Event[] = [event]): Promise<void> {
    const queuedAt = Date.now();
    // The function's own concurrency limits first (per key value when keyed; runs wait in order), then the stand-in's.
    const slots = concurrencyLimits(fn).map((l) => {
      const id = `${fn.id}:${l.key ?? ""}:${l.key ? valueAt(event, l.key) : ""}`;
      const slot = fnSlots.get(id) ?? { running: 0, waiting: [] };
      fnSlots.set(id, slot);
      return { slot, limit: l.limit };
    });
    for (const { slot, limit: own } of slots) {
      // A slot freed by a run that ends is handed straight to the first waiter (it stays counted), so none is taken twice.
      if (slot.running >= own) {
        state.queued++;
        state.maxQueued = Math.max(state.maxQueued, state.queued);
        await new Promise<void>((resolve) => slot.waiting.push(resolve));
        state.queued--;
      } else slot.running++;
    }
    if (state.running >= limit) {
      state.queued++;
      state.maxQueued = Math.max(state.maxQueued, state.queued);
      await new Promise<void>((resolve) => waiting.push(resolve));
      state.queued--;
    } else state.running++;
    const record: RunRecord = { fnId: fn.id, eventName: event.name, events: batch.length, queuedAt, startedAt: Date.now(), endedAt: 0, calls: 0, attempts: 1, ok: false };
    const runId = randomUUID();
    try {
      const step = Object.values(fn.steps)[0]!;
      const maxAttempts = (step.retries?.attempts ?? 3) + 1;
      const steps: Record<string, { type: "data"; data: unknown }> = {};
      checkpointed.set(runId, steps);
      let attempt = 0;
      let stepId = "step";
      for (let calls = 0; calls < 100; calls++) {
        const url = new URL(step.runtime.url);
        url.searchParams.set("stepId", stepId);
        record.calls++;
        const ctx = { run_id: runId, attempt, disable_immediate_execution: false, use_api: false, ...(opts.checkpointing === false ? {} : { fn_id: `fn-${fn.id}`, qi_id: `qi-${runId}` }) };
        const { status, json } = await call(url, { event, events: batch, steps, ctx, version: 2 });
        stepId = "step";
        if (status === 200) {
          record.ok = true;
          return;
        }
        const ops = status === 206 ? ((Array.isArray(json) ? json : [json]) as { op: string; id: string; data?: unknown }[]) : [];
        if (ops.some((op) => op.op === "RunComplete")) {
          record.ok = true;
          return;
        }
        const failed = status !== 206 || ops.some((op) => op.op === "StepError" || op.op === "StepFailed");
        for (const op of ops) {
          if (op.op === "StepRun" || op.op === "Step") steps[op.id] = { type: "data", data: op.data ?? null };
          if (op.op === "StepPlanned") stepId = op.id;
        }
        if (failed) {
          record.error = typeof json === "string" ? json.slice(0, 300) : JSON.stringify(json)?.slice(0, 300);
          if (++attempt >= maxAttempts) return;
          record.attempts++;
          await new Promise((r) => setTimeout(r, (opts.retryBackoffMs ?? 1000) * attempt));
        }
      }
    } catch (error) {
      record.error = (error as Error).message;
    } finally {
      record.endedAt = Date.now();
      runs.push(record);
      const next = waiting.shift();
      if (next) next();
      else state.running--;
      for (const { slot } of slots) {
        const after = slot.waiting.shift();
        if (after) after();
        else slot.running--;
      }
      checkpointed.delete(runId);
    }
  }

  const seen = new Set<string>();

  function receive(event: Event) {
    state.events++;
    // Like Inngest, an event id seen before is dropped (the outbox resends with the same id).
    if (event.id) {
      if (seen.has(event.id)) {
        state.duplicates++;
        return;
      }
      seen.add(event.id);
    }
    for (const fn of functions) {
      if (!fn.triggers.some((t) => t.event === event.name && (!t.expression || matches(t.expression, event)))) continue;
      if (fn.batchEvents) {
        // Inngest's batching: a batch (per key value) opens with its first event and runs when full or at its timeout.
        if (fn.batchEvents.if) throw new Error(`the local Inngest stand-in does not implement batchEvents.if (${fn.id})`);
        const key = `${fn.id}:${fn.batchEvents.key ? valueAt(event, fn.batchEvents.key) : ""}`;
        const start = (k: string) => {
          const due = batches.get(k);
          if (!due) return;
          clearTimeout(due.timer);
          batches.delete(k);
          void run(fn, due.events[0]!, due.events);
        };
        const open = batches.get(key) ?? { events: [], timer: setTimeout(() => start(key), duration(fn.batchEvents.timeout, 1000)) };
        batches.set(key, open);
        open.events.push(event);
        if (open.events.length >= fn.batchEvents.maxSize) start(key);
        continue;
      }
      if (!fn.debounce) {
        void run(fn, event);
        continue;
      }
      const key = `${fn.id}:${fn.debounce.key ? valueAt(event, fn.debounce.key) : ""}`;
      const period = duration(fn.debounce.period, 5000);
      const timeout = duration(fn.debounce.timeout, Number.POSITIVE_INFINITY);
      const pending = debounced.get(key);
      const firstAt = pending?.firstAt ?? Date.now();
      if (pending) clearTimeout(pending.timer);
      const delay = Math.max(0, Math.min(period, firstAt + timeout - Date.now()));
      const timer = setTimeout(() => {
        const due = debounced.get(key);
        debounced.delete(key);
        if (due) void run(fn, due.event);
      }, delay);
      debounced.set(key, { event, timer, firstAt });
    }
  }

  const everyMinute = setInterval(() => {
    for (const fn of functions) {
      const cron = fn.triggers.find((t) => t.cron === "* * * * *")?.cron;
      if (cron) void run(fn, { id: randomUUID(), name: "inngest/scheduled.timer", data: { cron }, ts: Date.now() });
    }
  }, 60_000);

  const server = http.createServer((req, res) => {
    let raw = "";
    req.on("data", (c) => (raw += c));
    req.on("end", () => {
      // The SDK's checkpoints: the steps it ran inside one call, kept for a retry of the run.
      const checkpoint = req.method === "POST" ? /^\/v1\/checkpoint\/([^/]+)\/async$/.exec(req.url ?? "") : null;
      if (checkpoint) {
        const steps = checkpointed.get(decodeURIComponent(checkpoint[1]!));
        for (const op of (JSON.parse(raw) as { steps?: { op: string; id: string; data?: unknown }[] }).steps ?? []) {
          if (steps && (op.op === "StepRun" || op.op === "Step")) steps[op.id] = { type: "data", data: op.data ?? null };
        }
        state.checkpoints++;
        res.writeHead(200, { "content-type": "application/json" }).end("{}");
        return;
      }
      if (req.method === "POST" && req.url?.startsWith("/e/")) {
        const parsed = JSON.parse(raw) as Event | Event[];
        const list = Array.isArray(parsed) ? parsed : [parsed];
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ ids: list.map((e) => e.id ?? randomUUID()), status: 200 }));
        for (const event of list) receive(event);
        return;
      }
      res.writeHead(404).end();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    runs,
    state,
    /** In-band sync with the app's serve endpoint: learns its functions. */
    async sync(serveUrl: string) {
      const body = canonicalJson({ url: serveUrl });
      const res = await fetch(serveUrl, { method: "PUT", headers: { "content-type": "application/json", "x-inngest-sync-kind": "in_band", "x-inngest-signature": sign(body) }, body });
      if (res.status !== 200) throw new Error(`sync answered ${res.status}: ${(await res.text()).slice(0, 500)}`);
      functions = ((await res.json()) as { functions: FnConfig[] }).functions;
      return functions.map((f) => f.id);
    },
    /** Resolves when no run is waiting, queued or running. */
    async idle(timeoutMs = 120_000) {
      const deadline = Date.now() + timeoutMs;
      while (debounced.size > 0 || batches.size > 0 || state.running > 0 || state.queued > 0) {
        if (Date.now() > deadline) throw new Error(`runs still pending after ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async close() {
      clearInterval(everyMinute);
      for (const d of debounced.values()) clearTimeout(d.timer);
      for (const b of batches.values()) clearTimeout(b.timer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
