// Shared setup of the HTTP benchmarks: a merchant with an API key, a points program and its cards.
import { createMerchant } from "./load";

export type Api = (path: string, body: unknown) => Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export type Shop = { key: string; merchantId: string; headers: Record<string, string>; api: Api; programId: string; cards: { id: string; qrToken: string }[] };

export const POINTS_PROGRAM = {
  name: "Bench Points",
  kind: "points",
  rules: { basis: "amount", rate: 1 },
  tiers: { windowDays: 365, levels: [{ name: "Member", threshold: 0 }, { name: "Gold", threshold: 10_000, multiplier: 1.5 }] },
  expiry: { kind: "rolling", days: 365 },
};

/** A merchant (through the CLI, before the server takes the database) — for PGlite, which one process holds. */
export function merchantFor(databaseUrl: string, env: Record<string, string> = {}) {
  return createMerchant(databaseUrl, env);
}

/** The program (POINTS_PROGRAM unless given) and `count` enrolled cards, through the public API of a running server. */
export async function openShop(serverUrl: string, merchant: { key: string; merchantId: string }, count: number, programInput: object = POINTS_PROGRAM): Promise<Shop> {
  const headers = { authorization: `Bearer ${merchant.key}`, "content-type": "application/json" };
  const api: Api = async (path, body) => {
    const res = await fetch(`${serverUrl}/api/v1${path}`, { method: "POST", headers, body: JSON.stringify(body) });
    if (res.status >= 300) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return res.json();
  };
  const program = await api("/programs", programInput);
  const cards: Shop["cards"] = [];
  for (let i = 0; i < count; i += 20) {
    const batch = await Promise.all(Array.from({ length: Math.min(20, count - i) }, (_, j) => api("/cards", { programId: program.id, customer: { email: `b${i + j}@example.test` } })));
    cards.push(...batch.map((c: { id: string; qrToken: string }) => ({ id: c.id, qrToken: c.qrToken })));
  }
  return { ...merchant, headers, api, programId: program.id, cards };
}

export function randomOf<T>(list: T[]): T {
  return list[Math.floor(Math.random() * list.length)]!;
}
