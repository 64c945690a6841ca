// npx tsx bench/support/heap-diff.ts <before.heapsnapshot> <after.heapsnapshot> [top] — what a heap
// gained between two snapshots, by constructor (objects) or kind (strings, arrays, code…): the count
// and the bytes of each, largest growth first. A leak shows as a constructor whose count grows with
// the requests served; a cache filling shows as growth that stops at its bound.
import fs from "node:fs";

type Snapshot = {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
};

export function byConstructor(file: string): Map<string, { count: number; bytes: number }> {
  const s = JSON.parse(fs.readFileSync(file, "utf8")) as Snapshot;
  const fields = s.snapshot.meta.node_fields;
  const types = s.snapshot.meta.node_types[0];
  const width = fields.length;
  const typeAt = fields.indexOf("type");
  const nameAt = fields.indexOf("name");
  const sizeAt = fields.indexOf("self_size");
  const out = new Map<string, { count: number; bytes: number }>();
  for (let i = 0; i < s.nodes.length; i += width) {
    const type = types[s.nodes[i + typeAt]!]!;
    // Objects by constructor name; everything else (strings, arrays, code, closures…) by kind only.
    const key = type === "object" ? s.strings[s.nodes[i + nameAt]!]! : type === "closure" ? `closure ${s.strings[s.nodes[i + nameAt]!]}` : `(${type})`;
    const row = out.get(key) ?? { count: 0, bytes: 0 };
    row.count++;
    row.bytes += s.nodes[i + sizeAt]!;
    out.set(key, row);
  }
  return out;
}

export function diff(before: string, after: string, top = 30) {
  const a = byConstructor(before);
  const b = byConstructor(after);
  const rows = [...new Set([...a.keys(), ...b.keys()])].map((key) => {
    const x = a.get(key) ?? { count: 0, bytes: 0 };
    const y = b.get(key) ?? { count: 0, bytes: 0 };
    return { key, count: y.count - x.count, bytes: y.bytes - x.bytes, countAfter: y.count };
  });
  const total = rows.reduce((sum, r) => sum + r.bytes, 0);
  return { totalKb: Math.round(total / 1024), rows: rows.sort((p, q) => q.bytes - p.bytes).slice(0, top) };
}

if (process.argv[1]?.endsWith("heap-diff.ts")) {
  const [before, after, top] = process.argv.slice(2);
  const { totalKb, rows } = diff(before!, after!, Number(top ?? 30));
  console.log(`heap growth: ${totalKb} KB`);
  for (const r of rows) console.log(`${String(Math.round(r.bytes / 1024)).padStart(8)} KB ${String(r.count).padStart(8)} objects (now ${r.countAfter})  ${r.key}`);
}
