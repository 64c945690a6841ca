// A running server's memory after a full garbage collection, through its inspector (the server runs
// with --inspect=127.0.0.1:<port>): HeapProfiler.collectGarbage, then process.memoryUsage() in it.
// The inspector speaks WebSocket; Node 20 has a client behind --experimental-websocket, so a short
// helper process does the talking.
import { spawn } from "node:child_process";

export type AfterGc = { rssMb: number; heapUsedMb: number; heapTotalMb: number; externalMb: number; arrayBuffersMb: number; gcMs: number };

const HELPER = `
const [port] = process.argv.slice(1);
const list = await (await fetch("http://127.0.0.1:" + port + "/json/list")).json();
const ws = new WebSocket(list[0].webSocketDebuggerUrl);
let id = 0;
const pending = new Map();
ws.onmessage = (m) => { const r = JSON.parse(m.data); pending.get(r.id)?.(r); };
const call = (method, params = {}) => new Promise((resolve) => { pending.set(++id, resolve); ws.send(JSON.stringify({ id, method, params })); });
await new Promise((r) => (ws.onopen = r));
const t = performance.now();
await call("HeapProfiler.collectGarbage");
const gcMs = performance.now() - t;
const r = await call("Runtime.evaluate", { expression: "JSON.stringify(process.memoryUsage())", returnByValue: true });
ws.close();
process.stdout.write(JSON.stringify({ gcMs, usage: JSON.parse(r.result.result.value) }));
`;

export function memoryAfterGc(inspectPort: number): Promise<AfterGc> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--experimental-websocket", "--no-warnings", "--input-type=module", "-e", HELPER, String(inspectPort)], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d));
    child.stderr.on("data", (d: Buffer) => (err += d));
    child.on("exit", (code) => {
      if (code !== 0) return reject(new Error(`inspector helper failed (${code}): ${err}`));
      const { gcMs, usage } = JSON.parse(out) as { gcMs: number; usage: NodeJS.MemoryUsage };
      const mb = (n: number) => Number((n / 1024 / 1024).toFixed(1));
      resolve({ rssMb: mb(usage.rss), heapUsedMb: mb(usage.heapUsed), heapTotalMb: mb(usage.heapTotal), externalMb: mb(usage.external), arrayBuffersMb: mb(usage.arrayBuffers), gcMs: Math.round(gcMs) });
    });
  });
}
