import { describe, expect, it } from "vitest";
import { GET as listCardsRoute } from "@/app/api/v1/cards/route";
import { enroll } from "@/lib/cards/enroll";
import { call, makeMerchant, makeProgram, type TestMerchant } from "../support/fixtures";

const find = (m: TestMerchant, query: Record<string, string>) => call(listCardsRoute, { key: m.apiKey, query });
const ids = (res: { body: { data: { id: string }[] } }) => res.body.data.map((c) => c.id);

async function world() {
  const m = await makeMerchant();
  const beans = await makeProgram(m, { name: "Beans" });
  const cakes = await makeProgram(m, { name: "Cakes" });
  const tag = Date.now().toString(36);
  const ana = `ana-${tag}@example.test`;
  const at = (s: number) => ({ ...m.ctx, now: () => new Date(Date.UTC(2026, 0, 1, 12, 0, s)) });
  const anaBeans = (await enroll(at(1), { programId: beans.id, customer: { email: ana, phone: "+1 (555) 010-2000" } })).card;
  const bobBeans = (await enroll(at(2), { programId: beans.id, customer: { email: `bob-${tag}@example.test` } })).card;
  const anaCakes = (await enroll(at(3), { programId: cakes.id, customer: { email: ana } })).card;
  return { m, beans, cakes, ana, anaBeans, bobBeans, anaCakes, at };
}

describe("GET /api/v1/cards", () => {
  it("finds a customer's cards by email (any case) or phone (any punctuation), and a program's cards", async () => {
    const w = await world();
    const byEmail = await find(w.m, { email: w.ana.toUpperCase() });
    expect(byEmail.status).toBe(200);
    expect(ids(byEmail)).toEqual([w.anaBeans.id, w.anaCakes.id]);
    expect(byEmail.body.nextCursor).toBeNull();
    expect(ids(await find(w.m, { phone: "+15550102000" }))).toEqual([w.anaBeans.id, w.anaCakes.id]);
    expect(ids(await find(w.m, { phone: "+1 555-010-2000" }))).toEqual([w.anaBeans.id, w.anaCakes.id]);
    expect(ids(await find(w.m, { programId: w.beans.id }))).toEqual([w.anaBeans.id, w.bobBeans.id]);
    expect(ids(await find(w.m, { email: w.ana, programId: w.cakes.id }))).toEqual([w.anaCakes.id]);
    expect(ids(await find(w.m, { email: `nobody-${Date.now()}@example.test` }))).toEqual([]);
  });

  it("never shows another merchant's cards, even for the same email or their program's id", async () => {
    const w = await world();
    const other = await makeMerchant();
    const theirs = await makeProgram(other);
    await enroll(other.ctx, { programId: theirs.id, customer: { email: w.ana } });
    expect(ids(await find(w.m, { email: w.ana }))).toEqual([w.anaBeans.id, w.anaCakes.id]);
    expect(ids(await find(w.m, { programId: theirs.id }))).toEqual([]);
    expect(ids(await find(other, { programId: w.beans.id }))).toEqual([]);
  });

  it("pages with an opaque cursor in a stable order: ties on the time broken by id, new cards at the end, none twice", async () => {
    const w = await world();
    // Three more cards made at the same instant.
    const same = [];
    for (let i = 0; i < 3; i++) same.push((await enroll(w.at(4), { programId: w.cakes.id, customer: { email: `tie-${i}-${Date.now()}@example.test` } })).card.id);
    const all = [w.anaBeans.id, w.bobBeans.id, w.anaCakes.id, ...same.sort()];

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await find(w.m, { limit: "2", ...(cursor ? { cursor } : {}) });
      expect(res.status).toBe(200);
      expect(res.body.data.length).toBeLessThanOrEqual(2);
      seen.push(...ids(res));
      cursor = res.body.nextCursor;
      if (cursor) expect(cursor).not.toContain(w.anaBeans.id);
      // A card made while paging comes at the end, not in a page already read.
      if (pages++ === 0) all.push((await enroll(w.m.ctx, { programId: w.beans.id, customer: { email: `late-${Date.now()}@example.test` } })).card.id);
    } while (cursor && pages < 10);
    expect(seen).toEqual(all);
  });

  it("refuses bad input with 422: cursor, limit, email, phone, unknown parameter", async () => {
    const w = await world();
    const bad: Record<string, string>[] = [
      { cursor: "not-a-cursor" },
      { cursor: Buffer.from(JSON.stringify(["yesterday", "crd_1"])).toString("base64url") },
      { cursor: Buffer.from(JSON.stringify(["2026-01-01 12:00:00+00", "crd'; drop"])).toString("base64url") },
      { limit: "0" },
      { limit: "500" },
      { email: "not-an-email" },
      { phone: "call me" },
      { colour: "blue" },
    ];
    for (const query of bad) {
      const res = await find(w.m, query);
      expect(res.status, JSON.stringify(query)).toBe(422);
      expect(res.body.code).toBe("invalid");
    }
  });
});
