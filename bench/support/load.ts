// Shared load driver of the HTTP benchmarks: autocannon rounds, interleaved subject/reference, medians.
import { spawnSync } from "node:child_process";
import os from "node:os";
import autocannon from "autocannon";
import { postgresCpuSeconds, ROOT } from "./server";

export type Measure = { requests: number; errors: number; non2xx: number; rps: number; p50: number; p90: number; p99: number };

export type Target = {
  /** One request: method, path (fresh per request), headers and body. */
  request: () => { method?: "GET" | "POST"; path: string; headers?: Record<string, string>; body?: string };
};

export const ROUND_SECONDS = Number(process.env.BENCH_ROUND_SECONDS ?? 6);
export const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

/** `target` as an autocannon request: each request made afresh, its headers on top of autocannon's. */
export function requestOf(target: Target): autocannon.Request {
  return {
    method: "POST",
    setupRequest: (req) => {
      const r = target.request();
      return { ...req, method: r.method ?? "POST", path: r.path, headers: { ...req.headers, ...r.headers }, body: r.body };
    },
  };
}

/** One autocannon round of `seconds` at `connections` against `target`. */
export function measure(url: string, target: Target, connections: number, seconds = ROUND_SECONDS): Promise<Measure> {
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url,
        connections,
        duration: seconds,
        requests: [requestOf(target)],
      },
      (error, result) => {
        if (error) return reject(error);
        resolve({
          requests: result.requests.total,
          errors: result.errors,
          non2xx: result.non2xx,
          rps: result.requests.average,
          p50: result.latency.p50,
          p90: result.latency.p90,
          p99: result.latency.p99,
        });
      },
    );
  });
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Medians over rounds (throughput and each percentile), with the round-by-round numbers kept. */
export function summarize(rounds: Measure[]) {
  const m = (k: keyof Measure) => Number(median(rounds.map((r) => r[k])).toFixed(1));
  return {
    rps: m("rps"),
    p50: m("p50"),
    p90: m("p90"),
    p99: m("p99"),
    requests: rounds.reduce((s, r) => s + r.requests, 0),
    errors: rounds.reduce((s, r) => s + r.errors, 0),
    non2xx: rounds.reduce((s, r) => s + r.non2xx, 0),
    rounds: rounds.map((r) => ({ rps: Number(r.rps.toFixed(1)), p50: r.p50, p99: r.p99 })),
  };
}

/**
 * Reference and subject alternately (reference, subject, reference, subject, …) so the machine's
 * noise hits both alike; the ratio is the median of the per-round ratios.
 */
export async function interleaved(url: string, reference: Target, subject: Target, connections: number, rounds = ROUNDS, cpuSeconds?: () => number) {
  const ref: Measure[] = [];
  const sub: Measure[] = [];
  const refCpu: number[] = [];
  const subCpu: number[] = [];
  const refDb: number[] = [];
  const subDb: number[] = [];
  // Server CPU per request, beside throughput: on a machine shared with other work, req/s swings
  // with the neighbours, while the CPU the server spends on one request barely does. Postgres's CPU
  // per request too: it shares the two cores, so a path that costs the database more is slower even
  // at equal server CPU.
  const round = async (target: Target, into: Measure[], cpu: number[], db: number[]) => {
    const before = cpuSeconds?.() ?? 0;
    const dbBefore = postgresCpuSeconds();
    const m = await measure(url, target, connections);
    into.push(m);
    const requests = Math.max(1, m.requests);
    if (cpuSeconds) cpu.push(((cpuSeconds() - before) * 1000) / requests);
    db.push(((postgresCpuSeconds() - dbBefore) * 1000) / requests);
  };
  for (let r = 0; r < rounds; r++) {
    await round(reference, ref, refCpu, refDb);
    await round(subject, sub, subCpu, subDb);
  }
  const ratios = sub.map((s, i) => s.rps / ref[i]!.rps);
  const ms = (xs: number[]) => Number(median(xs).toFixed(3));
  const cpu = cpuSeconds
    ? {
        subjectMsPerRequest: ms(subCpu),
        referenceMsPerRequest: ms(refCpu),
        // reference CPU ÷ subject CPU: the throughput ratio a CPU-bound server would reach.
        ratio: ms(subCpu.map((c, i) => refCpu[i]! / c)),
        // Postgres's processes, same rounds (zero when the database is not a local Postgres).
        databaseMsPerRequest: { subject: ms(subDb), reference: ms(refDb) },
      }
    : undefined;
  return {
    connections,
    subject: summarize(sub),
    reference: summarize(ref),
    ratio: Number(median(ratios).toFixed(3)),
    roundRatios: ratios.map((r) => Number(r.toFixed(3))),
    ...(cpu ? { cpu } : {}),
  };
}

/** An interleaved result's CPU per request, server and Postgres, for a bench's log line. */
export function cpuLine(r: Awaited<ReturnType<typeof interleaved>>): string {
  if (!r.cpu) return "";
  const { subjectMsPerRequest, referenceMsPerRequest, ratio, databaseMsPerRequest: db } = r.cpu;
  return ` | server CPU/request ${subjectMsPerRequest} ms vs ${referenceMsPerRequest} ms, CPU ratio ${ratio} | Postgres CPU/request ${db.subject} ms vs ${db.reference} ms`;
}

/** The bare two-statement transaction route of the same build: every ratio's denominator. */
export function referenceTarget(pick: () => string): Target {
  return { request: () => ({ path: `/api/bench/reference?card=${pick()}` }) };
}

/** What the machine looked like during a run: results from a loaded, shared machine say so. */
export function machine() {
  return { cpus: os.cpus().length, loadAverageAtStart: os.loadavg().map((l) => Number(l.toFixed(1))), node: process.version };
}

/** A merchant with an API key, through the CLI, as a real install makes one. */
export function createMerchant(databaseUrl: string, env: Record<string, string> = {}): { key: string; merchantId: string } {
  const cli = spawnSync("npx", ["tsx", "scripts/cli.ts", "merchant", "create", "--name", "Bench Cafe", "--owner", "bench@example.test"], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, DATABASE_URL: databaseUrl, ...env },
  });
  if (cli.status !== 0) throw new Error(`cli failed: ${cli.stderr}`);
  const out = JSON.parse(cli.stdout.slice(cli.stdout.indexOf("{")));
  return { key: out.apiKey.key, merchantId: out.merchant.id };
}
