// A small round-robin HTTP load balancer for benchmarks of several app instances on one machine: each
// request (SSE streams included) goes to the next backend in turn, over kept-alive connections, and is
// piped both ways without buffering. Run in its own process (startBalancerProcess), so its CPU is its
// own and measurable, not mixed into the load generator's event loop.
//
//   node --import tsx bench/support/balancer.ts <port> <backend-url> [<backend-url> …]
import { spawn, type ChildProcess } from "node:child_process";
import http from "node:http";
import path from "node:path";
import { groupCpuSeconds, ROOT, stopGroup } from "./server";

/** Requests sent to each backend, and those that failed (a backend down or cut off; not a client that left). */
export type BalancerStats = { forwarded: number[]; failed: number };

export function createBalancer(backends: string[]) {
  const targets = backends.map((b) => new URL(b));
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256, maxFreeSockets: 256 });
  const stats: BalancerStats = { forwarded: targets.map(() => 0), failed: 0 };
  let next = 0;
  const server = http.createServer((req, res) => {
    if (req.url === "/__balancer/stats") {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(stats));
      return;
    }
    const i = next;
    next = (next + 1) % targets.length;
    const target = targets[i]!;
    stats.forwarded[i]!++;
    const upstream = http.request(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        // The original Host stays (the app builds no links from it: APP_URL does); the client's address is passed on.
        headers: { ...req.headers, "x-forwarded-for": req.socket.remoteAddress ?? "127.0.0.1", "x-forwarded-proto": "http" },
        agent,
      },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        // Streams (Server-Sent Events) must reach the client as they come.
        res.flushHeaders();
        up.pipe(res);
      },
    );
    let clientLeft = false;
    upstream.on("error", () => {
      if (clientLeft) return;
      stats.failed++;
      if (!res.headersSent) res.writeHead(502, { "content-type": "text/plain" }).end("bad gateway");
      else res.destroy();
    });
    // A client that goes away before its answer ends (a closed SSE stream) closes the upstream request
    // too; after a complete answer the upstream socket stays open for the next request.
    res.on("close", () => {
      if (res.writableFinished) return;
      clientLeft = true;
      upstream.destroy();
    });
    req.pipe(upstream);
  });
  server.keepAliveTimeout = 65_000;
  return { server, stats };
}

export type Balancer = { url: string; stop: () => Promise<void>; cpuSeconds: () => number; stats: () => Promise<BalancerStats> };

/** The balancer in a child process of its own (its own process group, so its CPU can be read from /proc). */
export async function startBalancerProcess(port: number, backends: string[]): Promise<Balancer> {
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "bench", "support", "balancer.ts"), String(port), ...backends], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  child.stdout?.on("data", (d: Buffer) => (output += d));
  child.stderr?.on("data", (d: Buffer) => (output += d));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      if ((await fetch(`${url}/__balancer/stats`)).ok) break;
    } catch {
      /* not up yet */
    }
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`the balancer did not come up:\n${output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    cpuSeconds: () => groupCpuSeconds(child.pid!),
    stats: async () => (await (await fetch(`${url}/__balancer/stats`)).json()) as BalancerStats,
    stop: () => stopGroup(child.pid!),
  };
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(__filename)) {
  const [port, ...backends] = process.argv.slice(2);
  if (!port || backends.length === 0) throw new Error("usage: balancer.ts <port> <backend-url>…");
  const { server } = createBalancer(backends);
  server.listen(Number(port), "127.0.0.1", () => console.log(`balancer on ${port} → ${backends.join(", ")}`));
}
