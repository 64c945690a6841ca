import { and, eq } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { POST as earnRoute } from "@/app/api/v1/cards/[id]/earn/route";
import { POST as redeemRoute } from "@/app/api/v1/cards/[id]/redemptions/route";
import { POST as useRoute } from "@/app/api/v1/vouchers/redeem/route";
import { outboxEvents } from "@/db/schema";
import { withTransaction } from "@/lib/context";
import { subscribeToEvents } from "@/lib/events/listen";
import { creditMany } from "@/lib/ledger/bulk";
import { earn } from "@/lib/ledger/earn";
import type { NotifiedEvent } from "@/lib/outbox";
import { countRows } from "../support/counts";
import { call, makeCard, makeMerchant, makeProgram, makeReward } from "../support/fixtures";
import { expectLedgerConsistent } from "../support/invariants";

const heard: NotifiedEvent[] = [];
const waiters = new Set<() => void>();
const subscription = subscribeToEvents((e) => {
  heard.push(e);
  for (const w of waiters) w();
});
afterAll(async () => (await subscription)());

/** Resolves with the first event heard that matches; the test's own timeout is the only clock. */
async function hear(match: (e: NotifiedEvent) => boolean): Promise<NotifiedEvent> {
  await subscription;
  return new Promise((resolve) => {
    const check = () => {
      const found = heard.find(match);
      if (found) {
        waiters.delete(check);
        resolve(found);
      }
    };
    waiters.add(check);
    check();
  });
}

class Rollback extends Error {}

describe("outbox", () => {
  it("a verb writes its events in its own transaction", async () => {
    const m = await makeMerchant();
    const program = await makeProgram(m);
    const card = await makeCard(m, program.id);
    const res = await call(earnRoute, { key: m.apiKey, params: { id: card.id }, body: { points: 12 } });
    const rows = await m.db.select().from(outboxEvents).where(and(eq(outboxEvents.merchantId, m.merchantId), eq(outboxEvents.type, "card.balance_changed")));
    expect(rows.map((r) => r.payload)).toEqual([{ cardId: card.id, programId: program.id, entryId: res.body.entry.id, kind: "earn", amount: 12, balance: 12 }]);
    expect(rows[0]!.dispatchedAt).toBeNull();
  });

  it("when the surrounding transaction rolls back, the entry and its events are gone together", async () => {
    const m = await makeMerchant();
    const card = await makeCard(m, (await makeProgram(m)).id);
    const before = await countRows(m.db, m.merchantId);
    await expect(
      withTransaction(m.ctx, async (tx) => {
        await earn(tx, { cardId: card.id, points: 50 });
        expect((await countRows(tx.db, m.merchantId)).outbox_events).toBeGreaterThan(before.outbox_events);
        throw new Rollback("changed my mind");
      }),
    ).rejects.toBeInstanceOf(Rollback);
    expect(await countRows(m.db, m.merchantId)).toEqual(before);
    await expectLedgerConsistent(m.db, { cardId: card.id });
  });

  it("a failed request leaves no entry, no lot, no voucher, no stock change and no event", async () => {
    const m = await makeMerchant();
    const program = await makeProgram(m);
    const card = await makeCard(m, program.id);
    await earn(m.ctx, { cardId: card.id, points: 40 });
    const reward = await makeReward(m, program.id, 50, 5);
    const before = await countRows(m.db, m.merchantId);
    const res = await call(redeemRoute, { key: m.apiKey, params: { id: card.id }, body: { rewardId: reward.id } });
    expect(res.status).toBe(409);
    expect(await countRows(m.db, m.merchantId)).toEqual(before);
    await expectLedgerConsistent(m.db, { cardId: card.id });
  });
});

describe("NOTIFY on keepcard_events", () => {
  it("reaches subscribers after commit, with the outbox row's id", async () => {
    const m = await makeMerchant();
    const card = await makeCard(m, (await makeProgram(m)).id);
    await subscription;
    const res = await call(earnRoute, { key: m.apiKey, params: { id: card.id }, body: { points: 7 } });
    const event = await hear((e) => e.type === "card.balance_changed" && e.payload.cardId === card.id);
    expect(event).toMatchObject({ merchantId: m.merchantId, payload: { entryId: res.body.entry.id, amount: 7, balance: 7 }, at: expect.any(String) });
    const [row] = await m.db.select().from(outboxEvents).where(eq(outboxEvents.id, event.id));
    expect(row?.type).toBe("card.balance_changed");
  });

  it("a voucher used at the API is heard once with its row's id; a second attempt writes and sends nothing", async () => {
    const m = await makeMerchant();
    const program = await makeProgram(m);
    const card = await makeCard(m, program.id);
    await earn(m.ctx, { cardId: card.id, points: 50 });
    const reward = await makeReward(m, program.id, 20);
    const { voucher } = (await call(redeemRoute, { key: m.apiKey, params: { id: card.id }, body: { rewardId: reward.id } })).body;
    await subscription;
    expect((await call(useRoute, { key: m.apiKey, body: { code: voucher.code } })).status).toBe(200);
    const event = await hear((e) => e.type === "voucher.redeemed" && e.payload.voucherId === voucher.id);
    expect(event).toMatchObject({ merchantId: m.merchantId, payload: { voucherId: voucher.id, cardId: card.id, title: voucher.title }, at: expect.any(String) });
    const [row] = await m.db.select().from(outboxEvents).where(eq(outboxEvents.id, event.id));
    expect(row).toMatchObject({ type: "voucher.redeemed", payload: event.payload });

    expect((await call(useRoute, { key: m.apiKey, body: { code: voucher.code } })).status).toBe(409);
    await earn(m.ctx, { cardId: card.id, points: 1 });
    await hear((e) => e.type === "card.balance_changed" && e.payload.cardId === card.id && e.payload.amount === 1);
    expect(heard.filter((e) => e.type === "voucher.redeemed" && e.payload.voucherId === voucher.id)).toHaveLength(1);
    const recorded = await m.db.select({ id: outboxEvents.id }).from(outboxEvents).where(and(eq(outboxEvents.merchantId, m.merchantId), eq(outboxEvents.type, "voucher.redeemed")));
    expect(recorded).toEqual([{ id: event.id }]);
  });

  it("is never heard for a transaction that rolled back", async () => {
    const m = await makeMerchant();
    const program = await makeProgram(m);
    const doomed = await makeCard(m, program.id);
    const marker = await makeCard(m, program.id);
    await subscription;
    await expect(
      withTransaction(m.ctx, async (tx) => {
        await earn(tx, { cardId: doomed.id, points: 99 });
        throw new Rollback("roll back");
      }),
    ).rejects.toBeInstanceOf(Rollback);
    // Notifications arrive in commit order: once the marker committed after it is heard, the rolled-back one is not coming.
    await earn(m.ctx, { cardId: marker.id, points: 1 });
    await hear((e) => e.type === "card.balance_changed" && e.payload.cardId === marker.id);
    expect(heard.filter((e) => e.payload.cardId === doomed.id && e.type !== "card.enrolled")).toEqual([]);
    expect(heard.some((e) => e.payload.cardId === doomed.id && e.type === "card.enrolled")).toBe(true);
    await expectLedgerConsistent(m.db, { merchantId: m.merchantId });
  });

  it("many changes committed together are each heard once, with the time they were recorded", async () => {
    const m = await makeMerchant();
    const program = await makeProgram(m);
    const cards = await Promise.all(Array.from({ length: 12 }, () => makeCard(m, program.id)));
    await subscription;
    const started = Date.now() - 1000;
    // Twelve earns at once, each its own commit (the unlocked path): the process sends them in a batch or a few.
    const entries = await Promise.all(cards.map((card, i) => earn(m.ctx, { cardId: card.id, points: i + 1 })));
    const marker = await makeCard(m, program.id);
    await earn(m.ctx, { cardId: marker.id, points: 1 });
    await hear((e) => e.type === "card.balance_changed" && e.payload.cardId === marker.id);
    for (const { entry } of entries) {
      const got = heard.filter((e) => e.type === "card.balance_changed" && e.payload.entryId === entry.id);
      expect(got).toHaveLength(1);
      expect(got[0]).toMatchObject({ merchantId: m.merchantId, payload: { cardId: entry.cardId, amount: entry.amount, balance: entry.balanceAfter } });
      // As JavaScript writes times (the dashboard's feed sorts them as text).
      expect(got[0]!.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(Date.parse(got[0]!.at)).toBeGreaterThan(started);
    }
  });

  it("a bulk credit is heard as one summary per committed batch, not once per card", async () => {
    const m = await makeMerchant();
    const program = await makeProgram(m);
    const cards = await Promise.all(Array.from({ length: 5 }, () => makeCard(m, program.id)));
    await subscription;
    const grantKey = `test:${Date.now()}`;
    const done = await creditMany(m.ctx, { program, points: 3, grantKey, batchSize: 2 });
    expect(done).toEqual({ credited: 5, points: 15 });
    const marker = await makeCard(m, program.id);
    await earn(m.ctx, { cardId: marker.id, points: 1 });
    await hear((e) => e.type === "card.balance_changed" && e.payload.cardId === marker.id);
    const summaries = heard.filter((e) => e.type === "cards.bulk_changed" && e.merchantId === m.merchantId);
    expect(summaries.length).toBeGreaterThanOrEqual(2);
    expect(summaries.reduce((n, e) => n + Number(e.payload.cards), 0)).toBe(5);
    expect(summaries.every((e) => e.payload.programId === program.id && e.payload.kind === "bonus")).toBe(true);
    // The per-card events are in the outbox (for Inngest), not sent to live views one by one.
    expect(heard.filter((e) => e.type === "card.balance_changed" && cards.some((c) => c.id === e.payload.cardId) && e.payload.kind === "bonus")).toEqual([]);
  });
});

