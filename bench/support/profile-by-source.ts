// npx tsx bench/support/profile-by-source.ts <file.cpuprofile> [skipSeconds] — inclusive CPU time by
// original source file of the app (through the build's source maps), drizzle, zod, postgres.js and
// Ed25519 signing, over the samples from `skipSeconds` after the first earn request on.
import fs from "node:fs";
import { SourceMapConsumer } from "source-map";

type Node = { id: number; callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number }; children?: number[] };
type Profile = { nodes: Node[]; startTime: number; samples: number[]; timeDeltas: number[] };

export async function bySource(file: string, skipSeconds = 4, afterUrl = /earn_route/): Promise<{ windowSeconds: number; rows: [string, number][] }> {
  const p = JSON.parse(fs.readFileSync(file, "utf8")) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const maps = new Map<string, SourceMapConsumer | null>();
  const labels = new Map<number, string | null>();
  const label = async (id: number): Promise<string | null> => {
    if (labels.has(id)) return labels.get(id)!;
    const f = byId.get(id)!.callFrame;
    let k: string | null = null;
    if (f.url.includes("/chunks/")) {
      const path = f.url.replace("file://", "");
      if (!maps.has(path)) maps.set(path, fs.existsSync(`${path}.map`) ? await new SourceMapConsumer(JSON.parse(fs.readFileSync(`${path}.map`, "utf8"))) : null);
      const source = maps.get(path)?.originalPositionFor({ line: f.lineNumber + 1, column: f.columnNumber }).source ?? "";
      if (/drizzle|\/src\/(pg-core|sql)\/|\/src\/(entity|utils|tracing)\.ts/.test(source)) k = "drizzle-orm";
      else if (source.includes("zod")) k = "zod";
      else k = source.match(/(?:^|\/)((?:lib|app|db)\/[^?]*)$/)?.[1] ?? null;
    } else if (f.url.includes("node_modules/postgres/")) k = "postgres.js (driver)";
    else if (f.functionName === "signOneShot") k = "Ed25519 sign";
    labels.set(id, k);
    return k;
  };
  const inEarn = (id: number) => {
    for (let c: number | undefined = id; c !== undefined; c = parent.get(c)) if (afterUrl.test(byId.get(c)!.callFrame.url)) return true;
    return false;
  };
  let t = p.startTime;
  let from = -Infinity;
  for (let i = 0; i < p.samples.length; i++) {
    t += p.timeDeltas[i] ?? 0;
    if (inEarn(p.samples[i]!)) {
      from = t + skipSeconds * 1e6;
      break;
    }
  }
  t = p.startTime;
  let total = 0;
  const sums = new Map<string, number>();
  for (let i = 0; i < p.samples.length; i++) {
    t += p.timeDeltas[i] ?? 0;
    if (t < from) continue;
    const d = p.timeDeltas[i] ?? 0;
    total += d;
    const seen = new Set<string>();
    for (let c: number | undefined = p.samples[i]; c !== undefined; c = parent.get(c)) {
      const k = await label(c);
      if (k && !seen.has(k)) {
        seen.add(k);
        sums.set(k, (sums.get(k) ?? 0) + d);
      }
    }
  }
  const rows = [...sums.entries()].sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, Number(((100 * v) / total).toFixed(1))] as [string, number]);
  return { windowSeconds: Number((total / 1e6).toFixed(1)), rows };
}

if (require.main === module && process.argv[2]) {
  void bySource(process.argv[2], Number(process.argv[3] ?? 4)).then(({ windowSeconds, rows }) => {
    console.log(`window ${windowSeconds} s; inclusive share of samples (synchronous stacks only: time after an await is charged to the continuation)`);
    for (const [k, v] of rows.slice(0, 30)) console.log(`  ${`${v}%`.padStart(6)}  ${k}`);
  });
}
