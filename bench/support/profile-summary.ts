// npx tsx bench/support/profile-summary.ts <file.cpuprofile> — where a V8 CPU profile spends its
// time: self time by function and by package/file, and inclusive time of chosen app functions.
import fs from "node:fs";

type Node = { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number; children?: number[] };
type Profile = { nodes: Node[]; startTime: number; endTime: number; samples: number[]; timeDeltas: number[] };

function where(url: string): string {
  if (!url) return "(native/v8)";
  const nm = url.lastIndexOf("node_modules/");
  if (nm >= 0) {
    const rest = url.slice(nm + 13).split("/");
    const pkg = rest[0]!.startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0]!;
    return pkg;
  }
  if (url.startsWith("node:")) return url;
  const chunk = url.match(/\.next\/bench\/(.*)$/);
  return chunk ? `app chunk ${chunk[1]}` : url.replace(/^file:\/\//, "");
}

/**
 * `window`: count only samples from `skipSeconds` after the first sample whose stack shows a frame
 * from a file matching `afterUrl` (say, the earn route's chunk): start-up and warm-up left out.
 */
export function summarize(file: string, top = 30, window?: { afterUrl: RegExp; skipSeconds: number }) {
  const profile = JSON.parse(fs.readFileSync(file, "utf8")) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parentOf = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parentOf.set(c, n.id);
  const onStack = (id: number, test: (n: Node) => boolean) => {
    for (let cur: number | undefined = id; cur !== undefined; cur = parentOf.get(cur)) if (test(byId.get(cur)!)) return true;
    return false;
  };
  let from = -Infinity;
  if (window) {
    let t = profile.startTime;
    for (let i = 0; i < profile.samples.length; i++) {
      t += profile.timeDeltas[i] ?? 0;
      if (onStack(profile.samples[i]!, (n) => window.afterUrl.test(n.callFrame.url))) {
        from = t + window.skipSeconds * 1e6;
        break;
      }
    }
  }
  const self = new Map<number, number>();
  let at = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    at += profile.timeDeltas[i] ?? 0;
    if (at < from) continue;
    self.set(profile.samples[i]!, (self.get(profile.samples[i]!) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const idle = [...self.entries()].filter(([id]) => ["(idle)", "(program)", "(garbage collector)"].includes(byId.get(id)!.callFrame.functionName));
  const fn = new Map<string, number>();
  const pkg = new Map<string, number>();
  for (const [id, t] of self) {
    const n = byId.get(id)!;
    const name = `${n.callFrame.functionName || "(anonymous)"}  ${where(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;
    fn.set(name, (fn.get(name) ?? 0) + t);
    const p = n.callFrame.url ? where(n.callFrame.url) : n.callFrame.functionName;
    pkg.set(p, (pkg.get(p) ?? 0) + t);
  }
  const pct = (t: number) => `${((100 * t) / total).toFixed(1)}%`;
  const sorted = (m: Map<string, number>) => [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, top);
  console.log(`${window ? "window" : "total"} sampled ${(total / 1e6).toFixed(1)} s; ${idle.map(([id, t]) => `${byId.get(id)!.callFrame.functionName} ${pct(t)}`).join(", ")}`);
  console.log("\nself time by package / file:");
  for (const [k, t] of sorted(pkg)) console.log(`  ${pct(t).padStart(6)}  ${k}`);
  console.log("\nself time by function:");
  for (const [k, t] of sorted(fn)) console.log(`  ${pct(t).padStart(6)}  ${k}`);

  // Inclusive time of functions whose name matches, e.g. sign, presentCard, parse.
  const names = (process.env.PROFILE_FUNCTIONS ?? "sign,signQr,cardQrToken,presentCard,safeParse,parse,mapResultRow,buildQueryFromSourceParams,sqlToQuery,earn,apiRoute,route,JSON.stringify,stringify").split(",");
  console.log("\ninclusive time (any frame on the stack named):");
  for (const name of names) {
    let t = 0;
    for (const [id, time] of self) {
      let cur: number | undefined = id;
      while (cur !== undefined) {
        if (byId.get(cur)!.callFrame.functionName === name) {
          t += time;
          break;
        }
        cur = parentOf.get(cur);
      }
    }
    if (t > 0) console.log(`  ${pct(t).padStart(6)}  ${name}`);
  }
}

if (require.main === module && process.argv[2]) summarize(process.argv[2], Number(process.argv[3] ?? 30));
