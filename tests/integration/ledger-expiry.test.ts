import { and, asc, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { ledgerEntries, pointLots, programs } from "@/db/schema";
import type { Ctx } from "@/lib/context";
import { adjust } from "@/lib/ledger/adjust";
import { earn } from "@/lib/ledger/earn";
import { expireCard } from "@/lib/expiry/expire";
import { refundPoints } from "@/lib/ledger/refund";
import { redeemReward } from "@/lib/rewards/redeem";
import { makeCard, makeMerchant, makeProgram, makeReward, type TestMerchant } from "../support/fixtures";
import { expectLedgerConsistent } from "../support/invariants";

const DAY = 86_400_000;
// A century ahead: a points-expiry pass at the real time never finds these lots due.
const T0 = Date.parse("2124-03-01T12:00:00Z");
const on = (m: TestMerchant, day: number): Ctx => ({ ...m.ctx, now: () => new Date(T0 + day * DAY) });

async function lots(m: TestMerchant, cardId: string) {
  return m.db.select({ amount: pointLots.amount, remaining: pointLots.remaining, expiresAt: pointLots.expiresAt }).from(pointLots).where(eq(pointLots.cardId, cardId)).orderBy(asc(pointLots.createdAt));
}

describe("expiry by lots", () => {
  it("rolling: spending takes the oldest lots first, and expiry closes what is left of each lot when it is due", async () => {
    const m = await makeMerchant();
    const program = await makeProgram(m, { expiry: { kind: "rolling", days: 30 } });
    const card = await makeCard(m, program.id);
    await earn(on(m, 0), { cardId: card.id, points: 100 });
    await earn(on(m, 10), { cardId: card.id, points: 50 });
    await earn(on(m, 20), { cardId: card.id, points: 30 });
    await adjust(on(m, 25), { cardId: card.id, amount: -60, reason: "spent at the till" });
    expect((await lots(m, card.id)).map((l) => l.remaining)).toEqual([40, 50, 30]);
    expect((await lots(m, card.id)).map((l) => l.expiresAt!.getTime())).toEqual([T0 + 30 * DAY, T0 + 40 * DAY, T0 + 50 * DAY]);

    expect(await expireCard(on(m, 29), card.id)).toBeNull();
    const first = await expireCard(on(m, 31), card.id);
    expect(first!.entry).toMatchObject({ kind: "expire", amount: -40, balanceAfter: 80 });
    expect(first!.entry.details).toMatchObject({ lots: [{ amount: 40 }] });
    // The emptied lot is gone; the others keep what is left of them.
    expect((await lots(m, card.id)).map((l) => [l.amount, l.remaining])).toEqual([
      [50, 50],
      [30, 30],
    ]);
    await expectLedgerConsistent(m.db, { cardId: card.id });

    // Running the job again the same day changes nothing.
    expect(await expireCard(on(m, 31), card.id)).toBeNull();

    expect((await expireCard(on(m, 45), card.id))!.card.balance).toBe(30);
    expect((await lots(m, card.id)).map((l) => [l.amount, l.remaining])).toEqual([[30, 30]]);
    // Two lots due at once close in one entry.
    await earn(on(m, 46), { cardId: card.id, points: 5 });
    const last = await expireCard(on(m, 200), card.id);
    expect(last!.entry.amount).toBe(-35);
    expect(last!.card.balance).toBe(0);
    await expectLedgerConsistent(m.db, { cardId: card.id });
  });

  it("a redemption consumes the oldest lot first, so the points about to expire are the ones spent", async () => {
    const m = await makeMerchant();
    const program = await makeProgram(m, { expiry: { kind: "rolling", days: 30 } });
    const card = await makeCard(m, program.id);
    const reward = await makeReward(m, program.id, 70);
    await earn(on(m, 0), { cardId: card.id, points: 60 });
    await earn(on(m, 20), { cardId: card.id, points: 60 });
    await redeemReward(on(m, 25), { cardId: card.id, rewardId: reward.id });
    // The first lot was emptied (and deleted), the second gave 10 of its 60.
    expect((await lots(m, card.id)).map((l) => [l.amount, l.remaining])).toEqual([[60, 50]]);
    expect(await expireCard(on(m, 31), card.id)).toBeNull();
    expect((await expireCard(on(m, 51), card.id))!.entry.amount).toBe(-50);
    await expectLedgerConsistent(m.db, { cardId: card.id });
  });

  it("inactivity: nothing lapses while the customer keeps coming; everything lapses N days after the last visit", async () => {
    const m = await makeMerchant();
    const program = await makeProgram(m, { expiry: { kind: "inactivity", days: 90 } });
    const card = await makeCard(m, program.id);
    await earn(on(m, 0), { cardId: card.id, points: 40 });
    await earn(on(m, 60), { cardId: card.id, points: 10 });
    expect(await expireCard(on(m, 100), card.id)).toBeNull();
    expect(await expireCard(on(m, 149), card.id)).toBeNull();
    const lapsed = await expireCard(on(m, 150), card.id);
    expect(lapsed!.entry.amount).toBe(-50);
    expect(lapsed!.card.balance).toBe(0);
    await expectLedgerConsistent(m.db, { cardId: card.id });
  });

  it("fixed date: points earned during the year lapse together on the date", async () => {
    const m = await makeMerchant();
    const program = await makeProgram(m, { expiry: { kind: "fixed", month: 12, day: 31 } });
    const card = await makeCard(m, program.id);
    const at = (iso: string): Ctx => ({ ...m.ctx, now: () => new Date(iso) });
    await earn(at("2124-05-01T10:00:00Z"), { cardId: card.id, points: 20 });
    await earn(at("2124-11-15T10:00:00Z"), { cardId: card.id, points: 30 });
    await earn(at("2124-12-31T09:00:00Z"), { cardId: card.id, points: 5 });
    expect(await expireCard(at("2124-12-30T23:59:59Z"), card.id)).toBeNull();
    const closed = await expireCard(at("2124-12-31T00:00:00Z"), card.id);
    expect(closed!.entry.amount).toBe(-50);
    // The points earned on Dec 31 last until next year's.
    expect(closed!.card.balance).toBe(5);
    expect((await expireCard(at("2125-12-31T00:00:00Z"), card.id))!.card.balance).toBe(0);
    await expectLedgerConsistent(m.db, { cardId: card.id });
  });

  it("a lot row is an open lot: a credit that only pays back a negative balance opens none, and the database refuses an empty one", async () => {
    const m = await makeMerchant();
    const program = await makeProgram(m, { expiry: { kind: "rolling", days: 30 } });
    await m.db.update(programs).set({ refundsMayGoNegative: true }).where(eq(programs.id, program.id));
    const card = await makeCard(m, program.id);
    const purchase = await earn(on(m, 0), { cardId: card.id, points: 50 });
    await adjust(on(m, 1), { cardId: card.id, amount: -50, reason: "spent" });
    expect(await lots(m, card.id)).toEqual([]);
    await refundPoints(on(m, 2), { cardId: card.id, entryId: purchase.entry.id, points: 30 });
    // Balance −30: a 30-point earn only brings it back to 0 and opens no lot; the next 25 open one.
    expect((await earn(on(m, 3), { cardId: card.id, points: 30 })).card.balance).toBe(0);
    expect(await lots(m, card.id)).toEqual([]);
    await earn(on(m, 4), { cardId: card.id, points: 25 });
    expect((await lots(m, card.id)).map((l) => [l.amount, l.remaining])).toEqual([[25, 25]]);
    await expectLedgerConsistent(m.db, { cardId: card.id });

    const refused = await m.db
      .insert(pointLots)
      .values({ id: "lot_emptytest", merchantId: m.merchantId, cardId: card.id, entryId: purchase.entry.id, amount: 10, remaining: 0 })
      .then(
        () => null,
        (error: Error & { cause?: Error }) => error.cause?.message ?? error.message,
      );
    expect(refused).toMatch(/point_lots_open/);
  });

  it("never: nothing expires, however long", async () => {
    const m = await makeMerchant();
    const program = await makeProgram(m);
    const card = await makeCard(m, program.id);
    await earn(on(m, 0), { cardId: card.id, points: 10 });
    expect(await expireCard(on(m, 36_500), card.id)).toBeNull();
    const entries = await m.db.select().from(ledgerEntries).where(and(eq(ledgerEntries.cardId, card.id), eq(ledgerEntries.kind, "expire")));
    expect(entries).toEqual([]);
    await expectLedgerConsistent(m.db, { cardId: card.id });
  });
});
