// A running server's memory through its inspector (the server runs with --inspect=127.0.0.1:<port>):
// full garbage collections, process.memoryUsage() inside it, and the sampling heap profiler, whose
// samples of objects still alive say where retained memory was allocated.
// The inspector speaks WebSocket; Node 20 has a client behind --experimental-websocket, so a helper
// process holds the session and relays one JSON line per call over its stdin and stdout.
import { spawn } from "node:child_process";
import fs from "node:fs";
import readline from "node:readline";
import { SourceMapConsumer } from "source-map";

export type AfterGc = { rssMb: number; heapUsedMb: number; heapTotalMb: number; externalMb: number; arrayBuffersMb: number; gcMs: number };

const HELPER = `
const [port] = process.argv.slice(1);
const list = await (await fetch("http://127.0.0.1:" + port + "/json/list")).json();
const ws = new WebSocket(list[0].webSocketDebuggerUrl);
ws.onmessage = (m) => { const r = JSON.parse(m.data); if (r.id !== undefined) process.stdout.write(JSON.stringify(r) + "\\n"); };
ws.onclose = () => process.exit(0);
await new Promise((r) => (ws.onopen = r));
process.stdout.write(JSON.stringify({ ready: true }) + "\\n");
let buffered = "";
process.stdin.on("data", (d) => {
  buffered += d;
  let i;
  while ((i = buffered.indexOf("\\n")) >= 0) { ws.send(buffered.slice(0, i)); buffered = buffered.slice(i + 1); }
});
process.stdin.on("end", () => ws.close());
`;

export type InspectorSession = {
  call: <T = unknown>(method: string, params?: Record<string, unknown>) => Promise<T>;
  close: () => Promise<void>;
};

/** One inspector session on the server's debug port, held open until `close`. */
export function openInspector(inspectPort: number): Promise<InspectorSession> {
  const child = spawn(process.execPath, ["--experimental-websocket", "--no-warnings", "--input-type=module", "-e", HELPER, String(inspectPort)], { stdio: ["pipe", "pipe", "pipe"] });
  let err = "";
  child.stderr.on("data", (d: Buffer) => (err += d));
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let nextId = 0;
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  return new Promise((resolve, reject) => {
    child.on("exit", (code) => {
      const error = new Error(`inspector helper exited (${code}): ${err}`);
      for (const p of pending.values()) p.reject(error);
      reject(error);
    });
    readline.createInterface({ input: child.stdout }).on("line", (line) => {
      const message = JSON.parse(line) as { ready?: boolean; id?: number; result?: unknown; error?: { message: string } };
      if (message.ready) {
        return resolve({
          call: <T>(method: string, params: Record<string, unknown> = {}) =>
            new Promise<T>((ok, fail) => {
              const id = ++nextId;
              pending.set(id, { resolve: ok as (v: unknown) => void, reject: fail });
              child.stdin.write(JSON.stringify({ id, method, params }) + "\n");
            }),
          close: async () => {
            child.stdin.end();
            await exited;
          },
        });
      }
      const waiting = pending.get(message.id!);
      if (!waiting) return;
      pending.delete(message.id!);
      if (message.error) waiting.reject(new Error(`${message.error.message}`));
      else waiting.resolve(message.result);
    });
  });
}

const mb = (n: number) => Number((n / 1024 / 1024).toFixed(1));

/**
 * Memory after full collections: two of them, as one leaves what weak references and finalizers
 * hold until the next (measured: a second collection right after the first freed another 6.7 MB of
 * a 140 MB heap in a soak).
 */
export async function memoryAfterGc(session: InspectorSession): Promise<AfterGc> {
  const t = performance.now();
  await session.call("HeapProfiler.collectGarbage");
  await session.call("HeapProfiler.collectGarbage");
  const gcMs = performance.now() - t;
  const r = await session.call<{ result: { value: string } }>("Runtime.evaluate", { expression: "JSON.stringify(process.memoryUsage())", returnByValue: true });
  const usage = JSON.parse(r.result.value) as NodeJS.MemoryUsage;
  return { rssMb: mb(usage.rss), heapUsedMb: mb(usage.heapUsed), heapTotalMb: mb(usage.heapTotal), externalMb: mb(usage.external), arrayBuffersMb: mb(usage.arrayBuffers), gcMs: Math.round(gcMs) };
}

type ProfileNode = { callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number }; selfSize: number; id: number; children: ProfileNode[] };

export type RetainedSite = { where: string; kb: number; stack: string[] };

/** Starts the sampling heap profiler: from now, one allocation in every ~32 KB is recorded with its stack. */
export async function startHeapSampling(session: InspectorSession): Promise<void> {
  await session.call("HeapProfiler.enable");
  await session.call("HeapProfiler.startSampling", { samplingInterval: 32768, includeObjectsCollectedByMajorGC: false, includeObjectsCollectedByMinorGC: false });
}

/**
 * Stops the sampler after two full collections: what is left are allocations made since the start
 * that are still alive. Grouped by the innermost frame in app or library code (Node's and V8's own
 * frames are looked through), with the stack that led there.
 */
export async function retainedSinceSampling(session: InspectorSession, top = 25): Promise<{ totalKb: number; sites: RetainedSite[]; profile: unknown }> {
  await session.call("HeapProfiler.collectGarbage");
  await session.call("HeapProfiler.collectGarbage");
  const { profile } = await session.call<{ profile: { head: ProfileNode } }>("HeapProfiler.stopSampling");
  return { ...(await retainedSites(profile, top)), profile };
}

/** A sampling heap profile's samples grouped by allocation site, largest first. */
export async function retainedSites(profile: { head: ProfileNode }, top = 25): Promise<{ totalKb: number; sites: RetainedSite[] }> {
  const frame = await frameNamer(profile.head);
  const bySite = new Map<string, RetainedSite>();
  let total = 0;
  const walk = (node: ProfileNode, stack: ProfileNode[]) => {
    const path = [...stack, node];
    if (node.selfSize > 0) {
      total += node.selfSize;
      const own = [...path].reverse().find((n) => n.callFrame.url && !n.callFrame.url.startsWith("node:")) ?? node;
      const key = frame(own);
      const site = bySite.get(key) ?? { where: key, kb: 0, stack: path.slice(-10).map(frame).reverse() };
      site.kb += node.selfSize / 1024;
      bySite.set(key, site);
    }
    for (const child of node.children) walk(child, path);
  };
  walk(profile.head, []);
  const sites = [...bySite.values()].sort((a, b) => b.kb - a.kb).slice(0, top).map((s) => ({ ...s, kb: Math.round(s.kb) }));
  return { totalKb: Math.round(total / 1024), sites };
}

/**
 * Names a frame by its original source (the build's chunks are minified; their source maps, which
 * `next build` writes beside them, give the file, line and name), else by its own url and line.
 */
async function frameNamer(head: ProfileNode): Promise<(n: ProfileNode) => string> {
  const maps = new Map<string, SourceMapConsumer>();
  const urls = new Set<string>();
  const collect = (n: ProfileNode) => {
    if (n.callFrame.url.includes("/chunks/")) urls.add(n.callFrame.url);
    n.children.forEach(collect);
  };
  collect(head);
  for (const url of urls) {
    const path = `${url.replace(/^file:\/\//, "")}.map`;
    if (fs.existsSync(path)) maps.set(url, await new SourceMapConsumer(JSON.parse(fs.readFileSync(path, "utf8"))));
  }
  return (n) => {
    const f = n.callFrame;
    const o = maps.get(f.url)?.originalPositionFor({ line: f.lineNumber + 1, column: f.columnNumber });
    if (o?.source) return `${o.name ?? f.functionName ?? "(anonymous)"} ${o.source.replace(/^.*?\/(node_modules|lib|app|db|jobs)\//, "$1/")}:${o.line}`;
    return `${f.functionName || "(anonymous)"} ${shortUrl(f.url)}:${f.lineNumber + 1}`;
  };
}

const shortUrl = (url: string) => url.replace(/^file:\/\//, "").replace(/^.*?\/(node_modules|\.next\/bench)\//, "$1/");

/**
 * Writes a heap snapshot of the server to `file` (v8.writeHeapSnapshot inside it, which collects
 * garbage first); bench/support/heap-diff.ts compares two.
 */
export async function writeHeapSnapshot(session: InspectorSession, file: string): Promise<void> {
  const r = await session.call<{ result: { value?: string }; exceptionDetails?: { text: string } }>("Runtime.evaluate", {
    expression: `process.mainModule.require("v8").writeHeapSnapshot(${JSON.stringify(file)})`,
    returnByValue: true,
  });
  if (r.exceptionDetails) throw new Error(`heap snapshot failed: ${r.exceptionDetails.text}`);
}
