import { describe, expect, it } from "vitest";
import { POST as adjustRoute } from "@/app/api/v1/cards/[id]/adjust/route";
import { POST as earnRoute } from "@/app/api/v1/cards/[id]/earn/route";
import { POST as redeemRoute } from "@/app/api/v1/cards/[id]/redemptions/route";
import { POST as enrollRoute } from "@/app/api/v1/cards/route";
import { POST as createProgram } from "@/app/api/v1/programs/route";
import { earn } from "@/lib/ledger/earn";
import { countRows } from "../support/counts";
import { call, makeCard, makeMerchant, makeProgram, makeReward } from "../support/fixtures";
import { expectLedgerConsistent } from "../support/invariants";

describe("Idempotency-Key", () => {
  it("a replay returns the same status and body and writes nothing", async () => {
    const m = await makeMerchant();
    const card = await makeCard(m, (await makeProgram(m)).id);
    const first = await call(earnRoute, { key: m.apiKey, params: { id: card.id }, body: { points: 25 }, idempotencyKey: "order-1001" });
    expect(first.status).toBe(201);
    expect(first.headers.get("idempotent-replayed")).toBeNull();
    const after = await countRows(m.db, m.merchantId);

    const replay = await call(earnRoute, { key: m.apiKey, params: { id: card.id }, body: { points: 25 }, idempotencyKey: "order-1001" });
    expect(replay.status).toBe(201);
    expect(replay.body).toEqual(first.body);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(await countRows(m.db, m.merchantId)).toEqual(after);
    expect((await expectLedgerConsistent(m.db, { cardId: card.id })).get(card.id)).toBe(25);
  });

  it("works for every kind of write: programs, enrollments, adjustments, redemptions", async () => {
    const m = await makeMerchant();
    const program = await makeProgram(m);
    const card = await makeCard(m, program.id);
    await earn(m.ctx, { cardId: card.id, points: 100 });
    const reward = await makeReward(m, program.id, 30);
    const writes = [
      [createProgram, { body: { name: "Once", kind: "points" } }],
      [enrollRoute, { body: { programId: program.id, customer: { email: "once@example.test" } } }],
      [adjustRoute, { params: { id: card.id }, body: { amount: 5, reason: "goodwill" } }],
      [redeemRoute, { params: { id: card.id }, body: { rewardId: reward.id } }],
    ] as const;
    for (const [handler, opts] of writes) {
      const key = `k-${Math.random()}`;
      const a = await call(handler as Parameters<typeof call>[0], { ...opts, key: m.apiKey, idempotencyKey: key });
      const counts = await countRows(m.db, m.merchantId);
      const b = await call(handler as Parameters<typeof call>[0], { ...opts, key: m.apiKey, idempotencyKey: key });
      expect(b.status).toBe(a.status);
      expect(b.body).toEqual(a.body);
      expect(await countRows(m.db, m.merchantId)).toEqual(counts);
    }
    expect((await expectLedgerConsistent(m.db, { cardId: card.id })).get(card.id)).toBe(75);
  });

  it("the same key with a different body or on another path is 409 and writes nothing", async () => {
    const m = await makeMerchant();
    const card = await makeCard(m, (await makeProgram(m)).id);
    await call(earnRoute, { key: m.apiKey, params: { id: card.id }, body: { points: 25 }, idempotencyKey: "k1" });
    const before = await countRows(m.db, m.merchantId);
    const different = await call(earnRoute, { key: m.apiKey, params: { id: card.id }, body: { points: 26 }, idempotencyKey: "k1" });
    expect(different.status).toBe(409);
    expect(different.body).toMatchObject({ code: "idempotency_conflict", status: 409 });
    const elsewhere = await call(adjustRoute, { key: m.apiKey, params: { id: card.id }, body: { amount: 5, reason: "goodwill" }, idempotencyKey: "k1" });
    expect(elsewhere.status).toBe(409);
    expect(await countRows(m.db, m.merchantId)).toEqual(before);
  });

  it("keys are per merchant: another merchant may use the same key", async () => {
    const a = await makeMerchant();
    const b = await makeMerchant();
    const ca = await makeCard(a, (await makeProgram(a)).id);
    const cb = await makeCard(b, (await makeProgram(b)).id);
    expect((await call(earnRoute, { key: a.apiKey, params: { id: ca.id }, body: { points: 1 }, idempotencyKey: "shared" })).status).toBe(201);
    const other = await call(earnRoute, { key: b.apiKey, params: { id: cb.id }, body: { points: 2 }, idempotencyKey: "shared" });
    expect(other.status).toBe(201);
    expect(other.body.card.balance).toBe(2);
  });

  it("a failed request does not use up its key: fixed and retried, it goes through", async () => {
    const m = await makeMerchant();
    const program = await makeProgram(m);
    const card = await makeCard(m, program.id);
    const reward = await makeReward(m, program.id, 50);
    const poor = await call(redeemRoute, { key: m.apiKey, params: { id: card.id }, body: { rewardId: reward.id }, idempotencyKey: "redeem-1" });
    expect(poor.status).toBe(409);
    await earn(m.ctx, { cardId: card.id, points: 60 });
    const retry = await call(redeemRoute, { key: m.apiKey, params: { id: card.id }, body: { rewardId: reward.id }, idempotencyKey: "redeem-1" });
    expect(retry.status).toBe(201);
    expect(retry.body.card.balance).toBe(10);
    await expectLedgerConsistent(m.db, { cardId: card.id });
  });

  it("an empty or oversized key is 422", async () => {
    const m = await makeMerchant();
    const card = await makeCard(m, (await makeProgram(m)).id);
    for (const key of ["x".repeat(256)]) {
      const res = await call(earnRoute, { key: m.apiKey, params: { id: card.id }, body: { points: 1 }, idempotencyKey: key });
      expect(res.status).toBe(422);
      expect(res.body.errors[0].path).toBe("Idempotency-Key");
    }
    const request = new Request(`http://localhost/api/v1/cards/${card.id}/earn`, {
      method: "POST",
      headers: { authorization: `Bearer ${m.apiKey}`, "idempotency-key": "   ", "content-type": "application/json" },
      body: JSON.stringify({ points: 1 }),
    });
    expect((await earnRoute(request, { params: Promise.resolve({ id: card.id }) })).status).toBe(422);
    expect((await expectLedgerConsistent(m.db, { cardId: card.id })).get(card.id)).toBe(0);
  });
});
