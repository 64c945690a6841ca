import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { POST as earnRoute } from "@/app/api/v1/cards/[id]/earn/route";
import { getDbHandle } from "@/db/client";
import { cards, idempotencyKeys, ledgerEntries } from "@/db/schema";
import { appendKeyedIfUnchanged, readCardWithProgram } from "@/lib/ledger/core";
import { earn } from "@/lib/ledger/earn";
import { countRows } from "../support/counts";
import { call, makeCard, makeMerchant, makeProgram, type TestMerchant } from "../support/fixtures";
import { expectLedgerConsistent } from "../support/invariants";

// A keyed earn claims its Idempotency-Key, stores its answer and writes its entry in one statement
// (lib/ledger/core.ts appendKeyedIfUnchanged); these pin what that statement may and may not leave.

const answer = async ({ entry, card }: { entry: { amount: number }; card: { balance: number } }) => ({ status: 201, body: { amount: entry.amount, balance: card.balance } });
const entryOf = (points: number) => ({ kind: "earn" as const, amount: points, earned: true, activity: true });

async function storedKey(m: TestMerchant, key: string) {
  const [row] = await m.db.select().from(idempotencyKeys).where(and(eq(idempotencyKeys.merchantId, m.merchantId), eq(idempotencyKeys.key, key)));
  return row;
}

describe("keyed earn in one statement", () => {
  it("stores the key with the answer the earn's outcome makes, in the same write as the entry", async () => {
    const m = await makeMerchant();
    const card = await makeCard(m, (await makeProgram(m)).id);
    await earn(m.ctx, { cardId: card.id, points: 5 });
    const read = await readCardWithProgram(m.ctx, card.id);
    const result = await appendKeyedIfUnchanged(m.ctx, read, read.program, entryOf(20), { key: "k-stored", hash: "h1", answer });
    expect(result).toMatchObject({ entry: { amount: 20, balanceAfter: 25 }, card: { balance: 25 }, answer: { status: 201, body: { amount: 20, balance: 25 } } });
    expect(await storedKey(m, "k-stored")).toMatchObject({ requestHash: "h1", status: 201, response: { amount: 20, balance: 25 } });
    // The card the answer was made from (before the write) is the card the write left.
    const [row] = await m.db.select().from(cards).where(eq(cards.id, card.id));
    expect(result && result !== "key taken" ? result.card : null).toMatchObject({ balance: row!.balance, version: row!.version, lifetimeEarned: row!.lifetimeEarned });
    expect((await expectLedgerConsistent(m.db, { cardId: card.id })).get(card.id)).toBe(25);
  });

  it("a card changed since it was read: nothing is written and the key stays free", async () => {
    const m = await makeMerchant();
    const card = await makeCard(m, (await makeProgram(m)).id);
    const stale = await readCardWithProgram(m.ctx, card.id);
    await earn(m.ctx, { cardId: card.id, points: 7 });
    const before = await countRows(m.db, m.merchantId);
    // The key is claimed before the card is checked, so the statement must fail whole.
    expect(await appendKeyedIfUnchanged(m.ctx, stale, stale.program, entryOf(20), { key: "k-stale", hash: "h1", answer })).toBeNull();
    expect(await storedKey(m, "k-stale")).toBeUndefined();
    expect(await countRows(m.db, m.merchantId)).toEqual(before);
    // Read again, the same key goes through.
    const fresh = await readCardWithProgram(m.ctx, card.id);
    expect(await appendKeyedIfUnchanged(m.ctx, fresh, fresh.program, entryOf(20), { key: "k-stale", hash: "h1", answer })).toMatchObject({ card: { balance: 27 } });
    expect((await expectLedgerConsistent(m.db, { cardId: card.id })).get(card.id)).toBe(27);
  });

  it("a key already taken: nothing is written, the card stays as it was", async () => {
    const m = await makeMerchant();
    const card = await makeCard(m, (await makeProgram(m)).id);
    const first = await call(earnRoute, { key: m.apiKey, params: { id: card.id }, body: { points: 9 }, idempotencyKey: "k-taken" });
    expect(first.status).toBe(201);
    const before = await countRows(m.db, m.merchantId);
    const read = await readCardWithProgram(m.ctx, card.id);
    expect(await appendKeyedIfUnchanged(m.ctx, read, read.program, entryOf(9), { key: "k-taken", hash: "another", answer })).toBe("key taken");
    expect(await countRows(m.db, m.merchantId)).toEqual(before);
    expect(await storedKey(m, "k-taken")).toMatchObject({ status: 201, response: first.body });
    expect((await expectLedgerConsistent(m.db, { cardId: card.id })).get(card.id)).toBe(9);
  });

  it("the API's keyed earn stores exactly the answer it sent, and replays it", async () => {
    const m = await makeMerchant();
    const card = await makeCard(m, (await makeProgram(m)).id);
    const first = await call(earnRoute, { key: m.apiKey, params: { id: card.id }, body: { purchase: { amount: 1999, currency: "usd" } }, idempotencyKey: "pos-1" });
    expect(first.status).toBe(201);
    expect(first.body.card.balance).toBe(first.body.entry.amount);
    expect((await storedKey(m, "pos-1"))?.response).toEqual(first.body);
    const [entry] = await m.db.select().from(ledgerEntries).where(eq(ledgerEntries.cardId, card.id));
    expect(first.body.entry).toMatchObject({ id: entry!.id, balanceAfter: entry!.balanceAfter, createdAt: entry!.createdAt.toISOString() });
    const replay = await call(earnRoute, { key: m.apiKey, params: { id: card.id }, body: { purchase: { amount: 1999, currency: "usd" } }, idempotencyKey: "pos-1" });
    expect(replay.body).toEqual(first.body);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
  });

  it("a replay answers with the first answer even once the card can no longer earn; a new key on it is refused and not kept", async () => {
    const m = await makeMerchant();
    const card = await makeCard(m, (await makeProgram(m)).id);
    const first = await call(earnRoute, { key: m.apiKey, params: { id: card.id }, body: { points: 30 }, idempotencyKey: "till-9" });
    await m.db.update(cards).set({ status: "closed" }).where(eq(cards.id, card.id));
    const replay = await call(earnRoute, { key: m.apiKey, params: { id: card.id }, body: { points: 30 }, idempotencyKey: "till-9" });
    expect(replay.status).toBe(201);
    expect(replay.body).toEqual(first.body);
    const fresh = await call(earnRoute, { key: m.apiKey, params: { id: card.id }, body: { points: 30 }, idempotencyKey: "till-10" });
    expect(fresh).toMatchObject({ status: 409, body: { code: "inactive" } });
    expect(await storedKey(m, "till-10")).toBeUndefined();
  });

  it("a stamp earn that fills the card takes the locked path with its key: one voucher, replayed as first answered", async () => {
    const m = await makeMerchant();
    const program = await makeProgram(m, { kind: "stamps", stampsRequired: 3 });
    const card = await makeCard(m, program.id);
    await earn(m.ctx, { cardId: card.id, stamps: 2 });
    const first = await call(earnRoute, { key: m.apiKey, params: { id: card.id }, body: { stamps: 1 }, idempotencyKey: "stamp-3" });
    expect(first.status).toBe(201);
    expect(first.body.vouchers).toHaveLength(1);
    expect(first.body.card.balance).toBe(0);
    const replay = await call(earnRoute, { key: m.apiKey, params: { id: card.id }, body: { stamps: 1 }, idempotencyKey: "stamp-3" });
    expect(replay.body).toEqual(first.body);
    expect((await countRows(m.db, m.merchantId)).vouchers).toBe(1);
  });
});

// PGlite is one connection: requests cannot race there.
describe.runIf((process.env.TEST_DB ?? "pglite") === "postgres")("keyed earns racing on Postgres", () => {
  it("one key sent 20 times while 60 other earns hit the same card: one entry for the key, identical answers, the balance their sum", async () => {
    expect(getDbHandle().kind).toBe("postgres");
    const m = await makeMerchant();
    const card = await makeCard(m, (await makeProgram(m)).id);
    const keyed = Array.from({ length: 20 }, () => call(earnRoute, { key: m.apiKey, params: { id: card.id }, body: { points: 100 }, idempotencyKey: "race-1" }));
    const others = Array.from({ length: 60 }, (_, i) =>
      call(earnRoute, { key: m.apiKey, params: { id: card.id }, body: { points: 1 }, ...(i % 2 ? { idempotencyKey: `other-${i}` } : {}) }),
    );
    const [keyedResults, otherResults] = await Promise.all([Promise.all(keyed), Promise.all(others)]);
    expect([...keyedResults, ...otherResults].map((r) => r.status)).toEqual(Array(80).fill(201));
    for (const r of keyedResults) expect(r.body).toEqual(keyedResults[0]!.body);
    expect(keyedResults.filter((r) => r.headers.get("idempotent-replayed") === "true")).toHaveLength(19);
    const entries = await m.db.select().from(ledgerEntries).where(eq(ledgerEntries.cardId, card.id));
    expect(entries.filter((e) => e.amount === 100)).toHaveLength(1);
    expect(entries).toHaveLength(61);
    // The keys kept: race-1 and the 30 keyed others, each with its answer.
    const keys = await m.db.select().from(idempotencyKeys).where(eq(idempotencyKeys.merchantId, m.merchantId));
    expect(keys).toHaveLength(31);
    expect(keys.every((k) => k.status === 201 && k.response !== null)).toBe(true);
    expect((await expectLedgerConsistent(m.db, { cardId: card.id })).get(card.id)).toBe(160);
  });
});
