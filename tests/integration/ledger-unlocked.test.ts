import { and, eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { POST as earnRoute } from "@/app/api/v1/cards/[id]/earn/route";
import { POST as redeemRoute } from "@/app/api/v1/cards/[id]/redemptions/route";
import { queryRows } from "@/db/client";
import { cards, goalParticipants, ledgerEntries, pointLots } from "@/db/schema";
import { withTransaction } from "@/lib/context";
import { createGoal } from "@/lib/goals/verbs";
import { goalContribution } from "@/lib/goals/progress";
import { appendEntryIfUnchanged, appendEntryWhileEarnable, readCardWithProgram } from "@/lib/ledger/core";
import { earn } from "@/lib/ledger/earn";
import { call, makeCard, makeMerchant, makeProgram, makeReward, type TestMerchant } from "../support/fixtures";
import { expectLedgerConsistent } from "../support/invariants";

const HOUR = 3_600_000;
const onPostgres = (process.env.TEST_DB ?? "pglite") === "postgres";

/** Everything an entry statement writes for a card: entries, lots, balance events, goal rows, and the card's balance. */
async function writtenFor(m: TestMerchant, cardId: string) {
  const [card] = await m.db.select({ balance: cards.balance, version: cards.version }).from(cards).where(eq(cards.id, cardId));
  const [events] = await queryRows<{ n: number }>(m.db, sql`select count(*)::int as n from outbox_events where type = 'card.balance_changed' and payload->>'cardId' = ${cardId}`);
  return {
    balance: card!.balance,
    version: card!.version,
    entries: (await m.db.select().from(ledgerEntries).where(eq(ledgerEntries.cardId, cardId))).length,
    lots: (await m.db.select().from(pointLots).where(eq(pointLots.cardId, cardId))).length,
    events: events!.n,
    goalRows: (await m.db.select().from(goalParticipants).where(eq(goalParticipants.cardId, cardId))).length,
  };
}

describe("an earn without a lock (appendEntryIfUnchanged)", () => {
  it("writes nothing when the card row changed after it was read, even by an update that leaves its version alone; read again, it writes everything", async () => {
    const m = await makeMerchant();
    const program = await makeProgram(m);
    await createGoal(m.ctx, { programId: program.id, name: "Visits", metric: "visits", target: 10, reward: { kind: "points", points: 5 }, startsAt: new Date(Date.now() - HOUR).toISOString(), endsAt: new Date(Date.now() + HOUR).toISOString() });
    const card = await makeCard(m, program.id);
    const entry = (cardId: string) => ({
      kind: "earn" as const,
      amount: 10,
      earned: true,
      activity: true,
      alongside: [goalContribution(m.ctx, { cardId, programId: program.id, locationId: null, earned: 10, purchase: 0, at: new Date() })],
    });

    const stale = await readCardWithProgram(m.ctx, card.id);
    // A change no balance code makes (the version column untouched): the row is still another one.
    await m.db.update(cards).set({ updatedAt: new Date() }).where(eq(cards.id, card.id));
    const before = await writtenFor(m, card.id);
    expect(await appendEntryIfUnchanged(m.ctx, stale, stale.program, entry(card.id))).toBeNull();
    expect(await writtenFor(m, card.id)).toEqual(before);
    expect(before).toMatchObject({ balance: 0, entries: 0, lots: 0, events: 0, goalRows: 0 });

    const fresh = await readCardWithProgram(m.ctx, card.id);
    const written = await appendEntryIfUnchanged(m.ctx, fresh, fresh.program, entry(card.id));
    expect(written?.card.balance).toBe(10);
    expect(await writtenFor(m, card.id)).toEqual({ balance: 10, version: before.version + 1, entries: 1, lots: 1, events: 1, goalRows: 1 });
    // The same read once more: the row it saw is gone, so a second write is refused.
    expect(await appendEntryIfUnchanged(m.ctx, fresh, fresh.program, entry(card.id))).toBeNull();
    expect((await writtenFor(m, card.id)).entries).toBe(1);
  });

  it("an earn whose card needs more than one statement goes under the lock: a full stamp card becomes a voucher through the API", async () => {
    const m = await makeMerchant();
    const program = await makeProgram(m, { kind: "stamps", stampsRequired: 3 });
    const card = await makeCard(m, program.id);
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await call(earnRoute, { key: m.apiKey, params: { id: card.id }, body: { stamps: 1 } }));
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201]);
    expect(answers.map((a) => a.body.vouchers.length)).toEqual([0, 0, 1]);
    expect(answers.map((a) => a.body.card.balance)).toEqual([1, 2, 0]);
    await expectLedgerConsistent(m.db, { cardId: card.id });
  });

  it("a held card and a closed program refuse the earn as under the lock", async () => {
    const m = await makeMerchant();
    const program = await makeProgram(m);
    const card = await makeCard(m, program.id);
    await m.db.update(cards).set({ status: "closed" }).where(and(eq(cards.id, card.id), eq(cards.merchantId, m.merchantId)));
    const closed = await call(earnRoute, { key: m.apiKey, params: { id: card.id }, body: { points: 5 } });
    expect(closed.status).toBe(409);
    expect(closed.body.code).toBe("inactive");
    expect((await writtenFor(m, card.id)).entries).toBe(0);
  });

  it("the earn's read leaves out the program's pass design, which may hold its images inline, and earns on such a program as on any", async () => {
    const m = await makeMerchant();
    const image = (bytes: number) => `data:image/png;base64,${Buffer.alloc(bytes, 7).toString("base64")}`;
    const program = await makeProgram(m, { design: { backgroundColor: "#0f3d3e", foregroundColor: "#ffffff", labelColor: "#cde7e0", logoUrl: image(100_000), stripUrl: image(250_000) } });
    const card = await makeCard(m, program.id);
    const read = await readCardWithProgram(m.ctx, card.id, { campaignsAt: new Date() });
    expect(read.program).toMatchObject({ id: program.id, rules: program.rules, expiry: program.expiry });
    expect(read.program).not.toHaveProperty("design");
    const earned = await call(earnRoute, { key: m.apiKey, params: { id: card.id }, body: { points: 5 } });
    expect(earned.status).toBe(201);
    expect(earned.body.card.balance).toBe(5);
  });
});

describe("an everyday earn written while the card still earns as read (appendEntryWhileEarnable)", () => {
  const TIERS = { windowDays: 365, levels: [{ name: "Member", threshold: 0 }, { name: "Gold", threshold: 100, multiplier: 2 }] };
  const credit = (amount: number) => ({ kind: "earn" as const, amount, earned: true, activity: true });

  it("another earn between the read and the write: both count, the entry and its event carry the balance the row had at the write", async () => {
    const m = await makeMerchant();
    const program = await makeProgram(m);
    const card = await makeCard(m, program.id);
    const read = await readCardWithProgram(m.ctx, card.id);
    await earn(m.ctx, { cardId: card.id, points: 30 });
    const written = await appendEntryWhileEarnable(m.ctx, read.card, read.program, credit(12));
    expect(written).toMatchObject({ entry: { amount: 12, balanceAfter: 42 }, card: { balance: 42 } });
    const [event] = await queryRows<{ balance: number }>(m.db, sql`select (payload->>'balance')::int as balance from outbox_events where payload->>'entryId' = ${written!.entry.id}`);
    expect(event!.balance).toBe(42);
    const [row] = await m.db.select({ after: ledgerEntries.balanceAfter }).from(ledgerEntries).where(eq(ledgerEntries.id, written!.entry.id));
    expect(row!.after).toBe(42);
    expect((await expectLedgerConsistent(m.db, { cardId: card.id })).get(card.id)).toBe(42);
  });

  it("writes nothing once the card is held, closed or owes a debt after the read", async () => {
    const m = await makeMerchant();
    const program = await makeProgram(m);
    for (const change of [{ status: "closed" as const }, { heldByFlagId: "flag_test" }, { debt: 5 }]) {
      const card = await makeCard(m, program.id);
      const read = await readCardWithProgram(m.ctx, card.id);
      await m.db.update(cards).set(change).where(eq(cards.id, card.id));
      const before = await writtenFor(m, card.id);
      expect(await appendEntryWhileEarnable(m.ctx, read.card, read.program, credit(10))).toBeNull();
      expect(await writtenFor(m, card.id)).toEqual(before);
    }
  });

  it("an earn that would take the card to the next tier once another earn went first writes nothing; through earn it takes the lock and moves the tier", async () => {
    const m = await makeMerchant();
    const program = await makeProgram(m, { tiers: TIERS });
    const card = await makeCard(m, program.id);
    const read = await readCardWithProgram(m.ctx, card.id);
    expect(read.card.tier).toBe("Member");
    await earn(m.ctx, { cardId: card.id, points: 95 });
    expect(await appendEntryWhileEarnable(m.ctx, read.card, read.program, credit(10))).toBeNull();
    expect((await writtenFor(m, card.id)).entries).toBe(1);
    const crossed = await earn(m.ctx, { cardId: card.id, points: 10 });
    expect(crossed.card).toMatchObject({ balance: 105, tier: "Gold" });
  });

  it("on a ladder with no rung at zero, a card below it is re-checked against the lowest rung", async () => {
    const m = await makeMerchant();
    const program = await makeProgram(m, { tiers: { windowDays: 365, levels: [{ name: "Silver", threshold: 50 }] } });
    const card = await makeCard(m, program.id);
    const read = await readCardWithProgram(m.ctx, card.id);
    expect(read.card.tier).toBeNull();
    await earn(m.ctx, { cardId: card.id, points: 45 });
    expect(await appendEntryWhileEarnable(m.ctx, read.card, read.program, credit(10))).toBeNull();
    expect((await earn(m.ctx, { cardId: card.id, points: 10 })).card).toMatchObject({ balance: 55, tier: "Silver" });
  });
});

describe.runIf(onPostgres)("earns without a lock racing locked changes on Postgres", () => {
  it("40 earns at once on one card of a tiered program: the tier moves exactly when the sum reaches the next rung, every earn counted", async () => {
    const m = await makeMerchant();
    const program = await makeProgram(m, { tiers: { windowDays: 365, levels: [{ name: "Member", threshold: 0 }, { name: "Gold", threshold: 100, multiplier: 2 }] } });
    const card = await makeCard(m, program.id);
    const purchase = { amount: 500, currency: program.currency };
    const answers = await Promise.all(Array.from({ length: 40 }, () => call(earnRoute, { key: m.apiKey, params: { id: card.id }, body: { purchase } })));
    expect(answers.every((a) => a.status === 201)).toBe(true);
    // A purchase earns 5 points, doubled on Gold: 20 earns reach 100, the other 20 earn 10 each.
    const chain = await m.db.select({ amount: ledgerEntries.amount, after: ledgerEntries.balanceAfter }).from(ledgerEntries).where(eq(ledgerEntries.cardId, card.id)).orderBy(ledgerEntries.seq);
    expect(chain.map((e) => e.amount)).toEqual([...Array(20).fill(5), ...Array(20).fill(10)]);
    const [row] = await m.db.select({ tier: cards.tier, lifetime: cards.lifetimeEarned }).from(cards).where(eq(cards.id, card.id));
    expect(row).toEqual({ tier: "Gold", lifetime: 300 });
    expect((await expectLedgerConsistent(m.db, { cardId: card.id })).get(card.id)).toBe(300);
  });


  it("API earns, earns inside a transaction and redemptions at once on one card: every change counted once, each from the balance the last one left", async () => {
    const m = await makeMerchant();
    const program = await makeProgram(m);
    const reward = await makeReward(m, program.id, 7);
    const card = await makeCard(m, program.id);
    await earn(m.ctx, { cardId: card.id, points: 200 });

    const quick = Array.from({ length: 60 }, (_, i) => call(earnRoute, { key: m.apiKey, params: { id: card.id }, body: { points: (i % 5) + 1 } }));
    const locked = Array.from({ length: 30 }, () => withTransaction(m.ctx, (tx) => earn(tx, { cardId: card.id, points: 3 })));
    const redeemed = Array.from({ length: 20 }, () => call(redeemRoute, { key: m.apiKey, params: { id: card.id }, body: { rewardId: reward.id } }));
    const [quickAnswers, lockedResults, redeemAnswers] = await Promise.all([Promise.all(quick), Promise.all(locked), Promise.all(redeemed)]);

    expect(quickAnswers.every((a) => a.status === 201)).toBe(true);
    expect(redeemAnswers.every((a) => a.status === 201)).toBe(true);
    const expected = 200 + quickAnswers.reduce((s, _, i) => s + (i % 5) + 1, 0) + lockedResults.length * 3 - redeemAnswers.length * 7;
    expect((await expectLedgerConsistent(m.db, { cardId: card.id })).get(card.id)).toBe(expected);
    // In the order they were written, each entry starts from the balance the one before left: no two changes read the same card.
    const chain = await m.db.select({ amount: ledgerEntries.amount, after: ledgerEntries.balanceAfter }).from(ledgerEntries).where(eq(ledgerEntries.cardId, card.id)).orderBy(ledgerEntries.seq);
    expect(chain).toHaveLength(1 + 60 + 30 + 20);
    let balance = 0;
    for (const e of chain) expect(e.after).toBe((balance += e.amount));
    // And each answer shows its own entry's balance.
    const answered = new Map(quickAnswers.map((a) => [a.body.entry.id as string, a.body.entry.balanceAfter as number]));
    const stored = await m.db.select({ id: ledgerEntries.id, after: ledgerEntries.balanceAfter }).from(ledgerEntries).where(eq(ledgerEntries.cardId, card.id));
    for (const row of stored) if (answered.has(row.id)) expect(answered.get(row.id)).toBe(row.after);
    expect(stored.filter((r) => answered.has(r.id))).toHaveLength(60);
  });
});
