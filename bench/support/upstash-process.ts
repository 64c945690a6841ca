// The Upstash REST stand-in (tests/support/upstash-fake.ts, over the real Redis at REDIS_URL or
// 127.0.0.1:6379) in a child process of its own, so that several app instances share one limiter and
// its CPU is neither the load generator's nor the servers'.
//
//   node --import tsx bench/support/upstash-process.ts   → prints {"url","token"} once listening
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { startUpstashFake } from "../../tests/support/upstash-fake";
import { groupCpuSeconds, ROOT, stopGroup } from "./server";

export type UpstashProcess = { url: string; token: string; cpuSeconds: () => number; stop: () => Promise<void> };

export async function startUpstashProcess(): Promise<UpstashProcess> {
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "bench", "support", "upstash-process.ts")], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  child.stderr?.on("data", (d: Buffer) => (output += d));
  const ready = await new Promise<{ url: string; token: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the Upstash stand-in did not come up:\n${output}`)), 30_000);
    let line = "";
    child.stdout?.on("data", (d: Buffer) => {
      line += d;
      const nl = line.indexOf("\n");
      if (nl >= 0) {
        clearTimeout(timer);
        resolve(JSON.parse(line.slice(0, nl)) as { url: string; token: string });
      }
    });
    child.once("exit", (code) => reject(new Error(`the Upstash stand-in exited (${code}):\n${output}`)));
  });
  return {
    ...ready,
    cpuSeconds: () => groupCpuSeconds(child.pid!),
    stop: () => stopGroup(child.pid!),
  };
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(__filename)) {
  void startUpstashFake({ redisUrl: process.env.REDIS_URL }).then((fake) => process.stdout.write(JSON.stringify({ url: fake.url, token: fake.token }) + "\n"));
}
