import { InngestTestEngine } from "@inngest/test";
import { and, eq } from "drizzle-orm";
import { afterAll, describe, expect, it, vi } from "vitest";

const resend = await vi.hoisted(async () => {
  const { useResendFake } = await import("../support/resend-fake");
  return useResendFake();
});

import { cards, customers, emails, expiryReminders, ledgerEntries, outboxEvents } from "@/db/schema";
import { adjust } from "@/lib/ledger/adjust";
import { earn } from "@/lib/ledger/earn";
import type { Db } from "@/db/client";
import { expireDueCards, expireDueFor, type ExpiryCursor } from "@/lib/expiry/due";
import { expiryReminders as expiryRemindersFn } from "@/jobs/expiry-reminders";
import { pointsExpiry } from "@/jobs/points-expiry";
import { makeCard, makeMerchant, makeProgram, makeReward } from "../support/fixtures";

afterAll(() => resend.close());

const DAY = 86_400_000;

async function run(fn: typeof pointsExpiry | typeof expiryRemindersFn) {
  const { result, error } = await new InngestTestEngine({ function: fn }).execute();
  expect(error).toBeUndefined();
  return result as Record<string, number>;
}

describe("points expiry", () => {
  it("closes lots past their date as one expire entry, and a rerun changes nothing", async () => {
    const m = await makeMerchant();
    const program = await makeProgram(m, { expiry: { kind: "rolling", days: 30 } });
    const card = await makeCard(m, program.id);
    const at = (daysAgo: number) => ({ ...m.ctx, now: () => new Date(Date.now() - daysAgo * DAY) });
    await earn(at(40), { cardId: card.id, points: 100 });
    await earn(at(5), { cardId: card.id, points: 30 });

    await run(pointsExpiry);
    const [after] = await m.db.select().from(cards).where(eq(cards.id, card.id));
    expect(after!.balance).toBe(30);
    await run(pointsExpiry);
    const entries = await m.db.select().from(ledgerEntries).where(and(eq(ledgerEntries.cardId, card.id), eq(ledgerEntries.kind, "expire")));
    expect(entries.map((e) => e.amount)).toEqual([-100]);
    const events = await m.db.select().from(outboxEvents).where(eq(outboxEvents.merchantId, m.merchantId));
    expect(events.some((e) => e.type === "card.balance_changed" && e.payload.kind === "expire" && e.payload.balance === 30)).toBe(true);
  });
});

describe("points expiry across many cards", () => {
  it("lapses the balances of inactive cards only, each as one entry listing what was left of its lots", async () => {
    const m = await makeMerchant();
    const program = await makeProgram(m, { expiry: { kind: "inactivity", days: 30 } });
    const at = (daysAgo: number) => ({ ...m.ctx, now: () => new Date(Date.now() - daysAgo * DAY) });
    const gone = await Promise.all([0, 1, 2].map(() => makeCard(m, program.id)));
    const kept = await makeCard(m, program.id);
    for (const card of gone) {
      await earn(at(60), { cardId: card.id, points: 100 });
      await earn(at(50), { cardId: card.id, points: 20 });
      await adjust(at(45), { cardId: card.id, amount: -110, reason: "spent at the till" });
    }
    await earn(at(60), { cardId: kept.id, points: 100 });
    await earn(at(5), { cardId: kept.id, points: 20 });

    await run(pointsExpiry);
    await run(pointsExpiry);
    for (const card of gone) {
      const [after] = await m.db.select().from(cards).where(eq(cards.id, card.id));
      expect(after!.balance).toBe(0);
      const expired = await m.db.select().from(ledgerEntries).where(and(eq(ledgerEntries.cardId, card.id), eq(ledgerEntries.kind, "expire")));
      expect(expired.map((e) => [e.amount, e.balanceAfter])).toEqual([[-10, 0]]);
      expect(expired[0]!.details).toMatchObject({ lots: [{ amount: 10, expiresAt: null }] });
    }
    const [still] = await m.db.select().from(cards).where(eq(cards.id, kept.id));
    expect(still!.balance).toBe(120);
  });
});

describe("points expiry in parallel batches", () => {
  // Driven call by call, and by the job's loop, which scans for the next batches while the current ones run.
  const byCalls = async (db: Db) => {
    let after: ExpiryCursor | null = null;
    let calls = 0;
    for (;;) {
      const result = await expireDueCards(db, new Date(), { limit: 2, workers: 2, after });
      calls++;
      if (result.next) expect(after === null || result.next.expiresAt >= after.expiresAt).toBe(true);
      after = result.next;
      if (result.candidates === 0 || result.cards === 0) break;
    }
    return calls;
  };
  const byTheJobsLoop = async (db: Db) => {
    const run = await expireDueFor(db, new Date(), { seconds: 60, limit: 2 });
    expect(run.more).toBe(false);
    return run.batches + 1;
  };
  it.each([
    ["call by call", byCalls],
    ["the job's loop, scanning ahead", byTheJobsLoop],
  ])("expires every due card exactly once across small side-by-side batches that resume where the last one stopped (%s)", async (_, drive) => {
    const m = await makeMerchant();
    const program = await makeProgram(m, { expiry: { kind: "rolling", days: 30 } });
    const at = (daysAgo: number) => ({ ...m.ctx, now: () => new Date(Date.now() - daysAgo * DAY) });
    const due = await Promise.all(Array.from({ length: 9 }, () => makeCard(m, program.id)));
    // Six lots expire at the same instant (one batch cannot hold them all: the scan must resume
    // between cards of equal expiry), three at earlier ones.
    const sameInstant = new Date(Date.now() - 40 * DAY);
    for (const [i, card] of due.entries()) {
      await earn(i < 6 ? { ...m.ctx, now: () => sameInstant } : at(41 + i), { cardId: card.id, points: 100 + i });
    }
    // Two due lots and one that is not: one entry closing both due lots, the fresh one kept.
    const twice = await makeCard(m, program.id);
    await earn(at(50), { cardId: twice.id, points: 7 });
    await earn(at(35), { cardId: twice.id, points: 8 });
    await earn(at(5), { cardId: twice.id, points: 9 });
    // A closed card's due lot is not the job's to close, and must not stall the scan.
    const closed = await makeCard(m, program.id);
    await earn(at(45), { cardId: closed.id, points: 50 });
    await m.db.update(cards).set({ status: "closed" }).where(eq(cards.id, closed.id));

    // Batches of two cards, two at a time (the job's workers), each starting after the last.
    expect(await drive(m.db)).toBeGreaterThan(3);

    const expiredOf = async (cardId: string) =>
      m.db.select().from(ledgerEntries).where(and(eq(ledgerEntries.cardId, cardId), eq(ledgerEntries.kind, "expire")));
    for (const [i, card] of due.entries()) {
      expect((await expiredOf(card.id)).map((e) => e.amount)).toEqual([-(100 + i)]);
      const [row] = await m.db.select().from(cards).where(eq(cards.id, card.id));
      expect(row!.balance).toBe(0);
    }
    const [both] = await expiredOf(twice.id);
    expect(both!.amount).toBe(-15);
    expect((both!.details as { lots: { amount: number }[] }).lots.map((l) => l.amount)).toEqual([7, 8]);
    const [kept] = await m.db.select().from(cards).where(eq(cards.id, twice.id));
    expect(kept!.balance).toBe(9);
    expect(await expiredOf(closed.id)).toEqual([]);

    // A fresh run from the start finds nothing more to close on these cards.
    await expireDueCards(m.db, new Date(), { workers: 2 });
    expect(await expiredOf(twice.id)).toHaveLength(1);
    const events = await m.db.select().from(outboxEvents).where(eq(outboxEvents.merchantId, m.merchantId));
    expect(events.filter((e) => e.type === "card.balance_changed" && e.payload.kind === "expire")).toHaveLength(10);
  });
});

describe("expiry reminders", () => {
  it("sends one email per card, expiry day and window even when the job runs twice", async () => {
    const m = await makeMerchant();
    const program = await makeProgram(m, { expiry: { kind: "rolling", days: 10 }, reminderDays: [14, 3] });
    await makeReward(m, program.id, 50);
    await makeReward(m, program.id, 500);
    const soon = await makeCard(m, program.id, `soon-${m.merchantId.toLowerCase()}@example.test`);
    const later = await makeCard(m, program.id, `later-${m.merchantId.toLowerCase()}@example.test`);
    const erased = await makeCard(m, program.id, `gone-${m.merchantId.toLowerCase()}@example.test`);
    await m.db.update(customers).set({ name: "Ada <b>" }).where(eq(customers.id, soon.customerId));
    await m.db.update(customers).set({ erasedAt: new Date() }).where(eq(customers.id, erased.customerId));
    // Expires in 2 days (inside the 3-day window), and in 10 days (inside the 14-day window only).
    await earn({ ...m.ctx, now: () => new Date(Date.now() - 8 * DAY) }, { cardId: soon.id, points: 80 });
    await earn(m.ctx, { cardId: later.id, points: 20 });
    await earn({ ...m.ctx, now: () => new Date(Date.now() - 8 * DAY) }, { cardId: erased.id, points: 60 });

    await run(expiryRemindersFn);
    await run(expiryRemindersFn);

    const toSoon = resend.to(`soon-${m.merchantId.toLowerCase()}@example.test`);
    const toLater = resend.to(`later-${m.merchantId.toLowerCase()}@example.test`);
    expect(toSoon).toHaveLength(1);
    expect(toLater).toHaveLength(1);
    expect(resend.to(`gone-${m.merchantId.toLowerCase()}@example.test`)).toHaveLength(0);
    expect(toSoon[0]!.subject).toMatch(/^80 points expire on /);
    expect(toSoon[0]!.html).toContain("Reward 50");
    expect(toSoon[0]!.html).not.toContain("Reward 500");
    expect(toSoon[0]!.html).toContain("Ada &lt;b&gt;");
    expect(toLater[0]!.text).toContain("30 points away from Reward 50");

    const reminders = await m.db.select().from(expiryReminders).where(eq(expiryReminders.merchantId, m.merchantId));
    expect(reminders.map((r) => [r.cardId, r.windowDays]).sort()).toEqual(
      [[soon.id, 3], [later.id, 14], [erased.id, 3]].sort(),
    );
    const wallet = (await m.db.select().from(outboxEvents).where(eq(outboxEvents.merchantId, m.merchantId))).filter((e) => e.type === "wallet.message_requested");
    expect(wallet).toHaveLength(3);
    const sent = await m.db.select().from(emails).where(and(eq(emails.merchantId, m.merchantId), eq(emails.kind, "expiry_reminder")));
    expect(sent.every((e) => e.status === "sent")).toBe(true);
  });

  it("retries an email Resend refused on the next run, still only once", async () => {
    const m = await makeMerchant();
    const program = await makeProgram(m, { expiry: { kind: "rolling", days: 10 }, reminderDays: [14, 3] });
    const card = await makeCard(m, program.id, `retry-${m.merchantId.toLowerCase()}@example.test`);
    await earn(m.ctx, { cardId: card.id, points: 40 });
    resend.state.failNext = 10;
    await run(expiryRemindersFn);
    resend.state.failNext = 0;
    expect(resend.to(`retry-${m.merchantId.toLowerCase()}@example.test`)).toHaveLength(0);
    await run(expiryRemindersFn);
    await run(expiryRemindersFn);
    expect(resend.to(`retry-${m.merchantId.toLowerCase()}@example.test`)).toHaveLength(1);
  });
});
