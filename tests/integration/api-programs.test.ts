import { describe, expect, it } from "vitest";
import { POST as earnRoute } from "@/app/api/v1/cards/[id]/earn/route";
import { GET as getProgram, PATCH as patchProgram } from "@/app/api/v1/programs/[id]/route";
import { GET as listPrograms, POST as createProgram } from "@/app/api/v1/programs/route";
import { GET as listRewards, POST as createReward } from "@/app/api/v1/rewards/route";
import { countRows } from "../support/counts";
import { call, makeCard, makeMerchant, makeProgram, makeReward } from "../support/fixtures";
import { expectLedgerConsistent } from "../support/invariants";

describe("programs", () => {
  it("creates a program when Next hands a route without path parameters a params promise of undefined (next start does)", async () => {
    const m = await makeMerchant();
    const request = new Request("http://localhost/api/v1/programs", {
      method: "POST",
      headers: { authorization: `Bearer ${m.apiKey}`, "content-type": "application/json" },
      body: JSON.stringify({ name: "Beans", kind: "points" }),
    });
    const res = await createProgram(request, { params: Promise.resolve(undefined as never) });
    expect(res.status).toBe(201);
  });

  it("creates points, stamps and cashback programs with sensible defaults", async () => {
    const m = await makeMerchant({ currency: "EUR" });
    const points = await call(createProgram, { key: m.apiKey, body: { name: "Beans", kind: "points" } });
    expect(points.status).toBe(201);
    expect(points.body).toMatchObject({
      id: expect.stringMatching(/^prg_/),
      name: "Beans",
      kind: "points",
      status: "active",
      currency: "EUR",
      rules: { basis: "amount", rate: 1, rounding: "floor" },
      tiers: null,
      expiry: { kind: "never" },
      stampsRequired: null,
    });

    const stamps = await call(createProgram, { key: m.apiKey, body: { name: "Coffee card", kind: "stamps", stampsRequired: 8 } });
    expect(stamps.status).toBe(201);
    expect(stamps.body).toMatchObject({ kind: "stamps", stampsRequired: 8, rules: { basis: "visit", rate: 1 } });

    const cashback = await call(createProgram, { key: m.apiKey, body: { name: "Cash", kind: "cashback", cashbackPercent: 3, currency: "usd" } });
    expect(cashback.status).toBe(201);
    expect(cashback.body).toMatchObject({ kind: "cashback", currency: "USD", rules: { basis: "percent", rate: 3 } });
  });

  it("lists and gets only the caller's programs; another merchant's program is 404", async () => {
    const a = await makeMerchant();
    const b = await makeMerchant();
    const mine = await makeProgram(a, { name: "Mine" });
    const theirs = await makeProgram(b, { name: "Theirs" });

    const list = await call(listPrograms, { key: a.apiKey });
    expect(list.status).toBe(200);
    expect(list.body.data.map((p: { id: string }) => p.id)).toEqual([mine.id]);

    expect((await call(getProgram, { key: a.apiKey, params: { id: mine.id } })).body).toMatchObject({ id: mine.id, name: "Mine" });
    for (const id of [theirs.id, "prg_doesNotExist"]) {
      const res = await call(getProgram, { key: a.apiKey, params: { id } });
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ code: "not_found", status: 404 });
    }
    const patch = await call(patchProgram, { key: a.apiKey, method: "PATCH", params: { id: theirs.id }, body: { name: "Hijacked" } });
    expect(patch.status).toBe(404);
    expect((await call(getProgram, { key: b.apiKey, params: { id: theirs.id } })).body.name).toBe("Theirs");
  });

  it("refuses invalid programs with 422 and field errors, malformed JSON with 400, and writes nothing", async () => {
    const m = await makeMerchant();
    const before = await countRows(m.db, m.merchantId);
    const cases: [unknown, string][] = [
      [{ name: "X" }, "kind"],
      [{ name: "X", kind: "miles" }, "kind"],
      [{ kind: "points" }, "name"],
      [{ name: "  ", kind: "points" }, "name"],
      [{ name: "X", kind: "points", currency: "XYZ" }, "currency"],
      [{ name: "X", kind: "points", rules: { rate: -1 } }, "rules.rate"],
      [{ name: "X", kind: "points", rules: { basis: "percent", rate: 5 } }, "rules.basis"],
      [{ name: "X", kind: "cashback", rules: { basis: "amount" } }, "rules.basis"],
      [{ name: "X", kind: "points", expiry: { kind: "rolling", days: 0 } }, "expiry.days"],
      [{ name: "X", kind: "points", tiers: { levels: [{ name: "A", threshold: 10 }, { name: "B", threshold: 5 }] } }, "tiers.levels"],
      [{ name: "X", kind: "points", stampsRequired: 5 }, ""],
      [{ name: "X", kind: "stamps", stampsRequired: 1 }, "stampsRequired"],
      [{ name: "X", kind: "stamps", stampRewardId: "rwd_nope" }, "stampRewardId"],
      [[], ""],
    ];
    for (const [body, path] of cases) {
      const res = await call(createProgram, { key: m.apiKey, body });
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(res.body.code).toBe("invalid");
      expect(res.body.errors.length).toBeGreaterThan(0);
      if (path) expect(res.body.errors.map((e: { path: string }) => e.path), JSON.stringify(body)).toContain(path);
    }
    for (const rawBody of ["{", "{'name': 'x'}", "name=x"]) {
      const res = await call(createProgram, { key: m.apiKey, rawBody });
      expect(res.status, rawBody).toBe(400);
      expect(res.body.code).toBe("malformed");
    }
    expect(await countRows(m.db, m.merchantId)).toEqual(before);
  });

  it("a rule change applies to the next transaction", async () => {
    const m = await makeMerchant();
    const program = await makeProgram(m);
    const card = await makeCard(m, program.id);
    const earn = () => call(earnRoute, { key: m.apiKey, params: { id: card.id }, body: { purchase: { amount: 1000, currency: "USD" } } });
    expect((await earn()).body.entry.amount).toBe(10);

    const patched = await call(patchProgram, { key: m.apiKey, method: "PATCH", params: { id: program.id }, body: { rules: { basis: "amount", rate: 3 } } });
    expect(patched.status).toBe(200);
    expect(patched.body.rules.rate).toBe(3);
    expect((await earn()).body.entry.amount).toBe(30);

    const bad = await call(patchProgram, { key: m.apiKey, method: "PATCH", params: { id: program.id }, body: { rules: { basis: "percent", rate: 3 } } });
    expect(bad.status).toBe(422);
    expect((await call(patchProgram, { key: m.apiKey, method: "PATCH", params: { id: program.id }, body: { color: "red" } })).status).toBe(422);
    expect((await call(getProgram, { key: m.apiKey, params: { id: program.id } })).body.rules.rate).toBe(3);
    await expectLedgerConsistent(m.db, { merchantId: m.merchantId });
  });

  it("a paused program takes no earnings", async () => {
    const m = await makeMerchant();
    const program = await makeProgram(m);
    const card = await makeCard(m, program.id);
    await call(patchProgram, { key: m.apiKey, method: "PATCH", params: { id: program.id }, body: { status: "paused" } });
    const res = await call(earnRoute, { key: m.apiKey, params: { id: card.id }, body: { points: 5 } });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe("inactive");
    await expectLedgerConsistent(m.db, { cardId: card.id });
  });
});

describe("rewards", () => {
  it("creates a reward with or without stock and lists the catalog, cheapest first", async () => {
    const m = await makeMerchant();
    const program = await makeProgram(m);
    const other = await makeProgram(m, { name: "Other" });
    const muffin = await call(createReward, { key: m.apiKey, body: { programId: program.id, name: "Muffin", cost: 150, inventory: 3 } });
    expect(muffin.status).toBe(201);
    expect(muffin.body).toMatchObject({ id: expect.stringMatching(/^rwd_/), programId: program.id, name: "Muffin", cost: 150, inventory: 3, active: true });
    const coffee = await call(createReward, { key: m.apiKey, body: { programId: program.id, name: "Coffee", cost: 100 } });
    expect(coffee.body.inventory).toBeNull();
    await makeReward(m, other.id, 50);

    const list = await call(listRewards, { key: m.apiKey, query: { programId: program.id } });
    expect(list.status).toBe(200);
    expect(list.body.data.map((r: { name: string }) => r.name)).toEqual(["Coffee", "Muffin"]);
    expect((await call(listRewards, { key: m.apiKey })).body.data).toHaveLength(3);
  });

  it("another merchant's program is 404 for creating and listing, and their rewards never show", async () => {
    const a = await makeMerchant();
    const b = await makeMerchant();
    const theirs = await makeProgram(b);
    await makeReward(b, theirs.id, 10);
    const before = await countRows(a.db, a.merchantId);
    const res = await call(createReward, { key: a.apiKey, body: { programId: theirs.id, name: "Steal", cost: 1 } });
    expect(res.status).toBe(404);
    // Their program is not found here, like every other id of theirs.
    expect((await call(listRewards, { key: a.apiKey, query: { programId: theirs.id } })).status).toBe(404);
    expect((await call(listRewards, { key: a.apiKey })).body.data).toEqual([]);
    expect(await countRows(a.db, a.merchantId)).toEqual(before);
    expect((await countRows(b.db, b.merchantId)).rewards).toBe(1);
  });

  it("refuses invalid rewards with 422", async () => {
    const m = await makeMerchant();
    const program = await makeProgram(m);
    for (const body of [
      { programId: program.id, name: "Free", cost: 0 },
      { programId: program.id, name: "Half", cost: 1.5 },
      { programId: program.id, name: "", cost: 10 },
      { programId: program.id, name: "Neg", cost: 10, inventory: -1 },
      { programId: program.id, name: "Extra", cost: 10, color: "red" },
      { name: "No program", cost: 10 },
    ]) {
      const res = await call(createReward, { key: m.apiKey, body });
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(res.body.code).toBe("invalid");
    }
  });
});
