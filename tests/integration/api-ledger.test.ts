import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { POST as adjustRoute } from "@/app/api/v1/cards/[id]/adjust/route";
import { POST as earnRoute } from "@/app/api/v1/cards/[id]/earn/route";
import { POST as reverseRoute } from "@/app/api/v1/entries/[id]/reverse/route";
import { auditLog, locations, outboxEvents, vouchers } from "@/db/schema";
import { newId } from "@/lib/ids";
import { countRows } from "../support/counts";
import { call, makeCard, makeMerchant, makeProgram, makeReward, type TestMerchant } from "../support/fixtures";
import { expectLedgerConsistent } from "../support/invariants";

const earn = (m: TestMerchant, cardId: string, body: unknown) => call(earnRoute, { key: m.apiKey, params: { id: cardId }, body });

describe("earning", () => {
  it("awards points for a purchase under the program's rules, or exact points", async () => {
    const m = await makeMerchant();
    const program = await makeProgram(m, { rules: { basis: "amount", rate: 2, minSpend: 500 } });
    const card = await makeCard(m, program.id);

    const purchase = await earn(m, card.id, { purchase: { amount: 1250, currency: "usd" }, reference: "receipt-1" });
    expect(purchase.status).toBe(201);
    expect(purchase.body.entry).toMatchObject({ cardId: card.id, kind: "earn", amount: 25, balanceAfter: 25, source: "api", reference: "receipt-1" });
    expect(purchase.body.card).toMatchObject({ id: card.id, balance: 25, lifetimeEarned: 25 });
    expect(purchase.body.vouchers).toEqual([]);

    const exact = await earn(m, card.id, { points: 100 });
    expect(exact.body.card.balance).toBe(125);

    const small = await earn(m, card.id, { purchase: { amount: 499, currency: "USD" } });
    expect(small.status).toBe(201);
    expect(small.body.entry.amount).toBe(0);
    expect(small.body.card.balance).toBe(125);
    await expectLedgerConsistent(m.db, { cardId: card.id });
  });

  it("applies a location multiplier for the merchant's own location; another merchant's location is 404", async () => {
    const a = await makeMerchant();
    const b = await makeMerchant();
    const mine = newId("loc");
    const theirs = newId("loc");
    await a.db.insert(locations).values({ id: mine, merchantId: a.merchantId, name: "Airport", latitude: 51.47, longitude: -0.45 } as typeof locations.$inferInsert);
    await b.db.insert(locations).values({ id: theirs, merchantId: b.merchantId, name: "Elsewhere", latitude: 1, longitude: 1 } as typeof locations.$inferInsert);
    const program = await makeProgram(a, { rules: { basis: "amount", rate: 1, multipliers: [{ kind: "location", locationIds: [mine], factor: 2 }] } });
    const card = await makeCard(a, program.id);
    expect((await earn(a, card.id, { purchase: { amount: 1000, currency: "USD" }, locationId: mine })).body.entry.amount).toBe(20);
    const other = await earn(a, card.id, { purchase: { amount: 1000, currency: "USD" }, locationId: theirs });
    expect(other.status).toBe(404);
    expect(other.body.detail).toMatch(/Location/);
    await expectLedgerConsistent(a.db, { cardId: card.id });
  });

  it("refuses the wrong currency, stamps on a points program, points on a stamp program, and empty or mixed bodies", async () => {
    const m = await makeMerchant();
    const points = await makeProgram(m);
    const stamps = await makeProgram(m, { kind: "stamps", name: "Stamps" });
    const cashback = await makeProgram(m, { kind: "cashback", name: "Cash" });
    const pc = await makeCard(m, points.id);
    const sc = await makeCard(m, stamps.id);
    const cc = await makeCard(m, cashback.id);
    const before = await countRows(m.db, m.merchantId);

    const cases: [string, unknown, string][] = [
      [pc.id, { purchase: { amount: 1000, currency: "EUR" } }, "purchase.currency"],
      [pc.id, { stamps: 1 }, "stamps"],
      [pc.id, { points: 5, purchase: { amount: 100, currency: "USD" } }, "points"],
      [sc.id, { points: 5 }, "points"],
      [cc.id, { points: 5 }, "points"],
      [pc.id, {}, "(body)"],
      [pc.id, { points: 0 }, "points"],
      [pc.id, { points: -5 }, "points"],
      [pc.id, { points: 2.5 }, "points"],
      [pc.id, { points: "5" }, "points"],
      [pc.id, { purchase: { amount: -1, currency: "USD" } }, "purchase.amount"],
      [pc.id, { purchase: { amount: 100 } }, "purchase.currency"],
      [pc.id, { points: 5, bonus: true }, "(body)"],
    ];
    for (const [cardId, body, path] of cases) {
      const res = await earn(m, cardId, body);
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(res.body.code).toBe("invalid");
      expect(res.body.errors.map((e: { path: string }) => e.path), JSON.stringify(body)).toContain(path);
    }
    const malformed = await call(earnRoute, { key: m.apiKey, params: { id: pc.id }, rawBody: '{"points": 5' });
    expect(malformed.status).toBe(400);
    expect(await countRows(m.db, m.merchantId)).toEqual(before);
    await expectLedgerConsistent(m.db, { merchantId: m.merchantId });
  });

  it("another merchant's card or an unknown card is 404 and nothing is written", async () => {
    const a = await makeMerchant();
    const b = await makeMerchant();
    const card = await makeCard(b, (await makeProgram(b)).id);
    const before = await countRows(b.db, b.merchantId);
    for (const id of [card.id, "crd_nope"]) {
      expect((await earn(a, id, { points: 5 })).status).toBe(404);
      expect((await call(adjustRoute, { key: a.apiKey, params: { id }, body: { amount: 5, reason: "sneaky" } })).status).toBe(404);
    }
    expect(await countRows(b.db, b.merchantId)).toEqual(before);
  });
});

describe("stamp programs", () => {
  it("a full card issues the reward voucher and carries the remainder over", async () => {
    const m = await makeMerchant();
    const program = await makeProgram(m, { kind: "stamps", stampsRequired: 5 });
    const reward = await makeReward(m, program.id, 5);
    const { updateProgram } = await import("@/lib/programs/verbs");
    await updateProgram(m.ctx, { programId: program.id, stampRewardId: reward.id });
    const card = await makeCard(m, program.id);

    const four = await earn(m, card.id, { stamps: 4 });
    expect(four.body.card.balance).toBe(4);
    expect(four.body.vouchers).toEqual([]);

    const three = await earn(m, card.id, { stamps: 3 });
    expect(three.status).toBe(201);
    expect(three.body.entry).toMatchObject({ kind: "earn", amount: 3, balanceAfter: 7 });
    expect(three.body.card.balance).toBe(2);
    expect(three.body.vouchers).toHaveLength(1);
    expect(three.body.vouchers[0]).toMatchObject({ rewardId: reward.id, title: reward.name, status: "issued", code: expect.stringMatching(/^[A-Z0-9]{4}-[A-Z0-9]{4}$/) });

    // A big visit fills two cards at once.
    const eleven = await earn(m, card.id, { stamps: 11 });
    expect(eleven.body.card.balance).toBe(3);
    expect(eleven.body.vouchers).toHaveLength(2);
    expect(await m.db.select().from(vouchers).where(eq(vouchers.cardId, card.id))).toHaveLength(3);
    // The visit counts in lifetime stamps; the full cards do not take it away.
    expect(eleven.body.card.lifetimeEarned).toBe(18);

    // A visit without a stamp count earns the rule's stamps per visit.
    const visit = await earn(m, card.id, { purchase: { amount: 350, currency: "USD" } });
    expect(visit.body.card.balance).toBe(4);
    await expectLedgerConsistent(m.db, { cardId: card.id });
  });

  it("without a linked reward the voucher is titled after the program", async () => {
    const m = await makeMerchant();
    const program = await makeProgram(m, { kind: "stamps", name: "Coffee card", stampsRequired: 2 });
    const card = await makeCard(m, program.id);
    const res = await earn(m, card.id, { stamps: 2 });
    expect(res.body.vouchers[0]).toMatchObject({ rewardId: null, title: "Coffee card: full card" });
    expect(res.body.card.balance).toBe(0);
    await expectLedgerConsistent(m.db, { cardId: card.id });
  });
});

describe("cashback", () => {
  it("earns a percentage of the purchase in minor units of the program's currency", async () => {
    const m = await makeMerchant();
    const usd = await makeProgram(m, { kind: "cashback", cashbackPercent: 5 });
    const jpy = await makeProgram(m, { kind: "cashback", name: "Yen", currency: "JPY", cashbackPercent: 2 });
    const c1 = await makeCard(m, usd.id);
    const c2 = await makeCard(m, jpy.id);

    // 5% of $12.99 = 64.95 cents → 64.
    expect((await earn(m, c1.id, { purchase: { amount: 1299, currency: "USD" } })).body.entry.amount).toBe(64);
    // 2% of ¥5,000 = ¥100.
    expect((await earn(m, c2.id, { purchase: { amount: 5000, currency: "JPY" } })).body.entry.amount).toBe(100);
    expect((await earn(m, c2.id, { purchase: { amount: 5000, currency: "USD" } })).status).toBe(422);
    await expectLedgerConsistent(m.db, { merchantId: m.merchantId });
  });
});

describe("tiers", () => {
  it("are recomputed on earn; a change is an event and an audit entry, and the new multiplier applies next time", async () => {
    const m = await makeMerchant();
    const program = await makeProgram(m, {
      tiers: { windowDays: 365, levels: [{ name: "Member", threshold: 0, multiplier: 1 }, { name: "Gold", threshold: 100, multiplier: 2 }] },
    });
    const card = await makeCard(m, program.id);
    expect((await earn(m, card.id, { points: 60 })).body.card.tier).toBe("Member");
    const up = await earn(m, card.id, { points: 50 });
    expect(up.body.card.tier).toBe("Gold");

    const events = await m.db.select().from(outboxEvents).where(and(eq(outboxEvents.merchantId, m.merchantId), eq(outboxEvents.type, "tier.changed")));
    expect(events.map((e) => e.payload)).toEqual([{ cardId: card.id, programId: program.id, from: "Member", to: "Gold" }]);
    const audits = await m.db.select().from(auditLog).where(and(eq(auditLog.merchantId, m.merchantId), eq(auditLog.action, "tier.changed")));
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ targetId: card.id, actorType: "api_key", details: { from: "Member", to: "Gold", earnedInWindow: 110 } });

    // Gold earns double on purchases; exact points are exact.
    expect((await earn(m, card.id, { purchase: { amount: 1000, currency: "USD" } })).body.entry.amount).toBe(20);
    expect((await earn(m, card.id, { points: 7 })).body.entry.amount).toBe(7);
    // No change, no new event.
    expect(await m.db.select().from(outboxEvents).where(and(eq(outboxEvents.merchantId, m.merchantId), eq(outboxEvents.type, "tier.changed")))).toHaveLength(1);
    await expectLedgerConsistent(m.db, { cardId: card.id });
  });

  it("only earning inside the window counts", async () => {
    const m = await makeMerchant();
    const program = await makeProgram(m, { tiers: { windowDays: 30, levels: [{ name: "Gold", threshold: 100, multiplier: 1 }] } });
    const card = await makeCard(m, program.id);
    const { earn: earnVerb } = await import("@/lib/ledger/earn");
    const start = Date.now();
    await earnVerb({ ...m.ctx, now: () => new Date(start - 40 * 86_400_000) }, { cardId: card.id, points: 90 });
    const res = await earnVerb(m.ctx, { cardId: card.id, points: 20 });
    expect(res.card.tier).toBeNull();
    expect(res.card.lifetimeEarned).toBe(110);
    const res2 = await earnVerb(m.ctx, { cardId: card.id, points: 80 });
    expect(res2.card.tier).toBe("Gold");
    await expectLedgerConsistent(m.db, { cardId: card.id });
  });

  it("drops a card whose earning left the window on its next earn; a first-rung card stays until its lifetime reaches the next rung, then the window decides", async () => {
    const m = await makeMerchant();
    const program = await makeProgram(m, {
      tiers: { windowDays: 30, levels: [{ name: "Member", threshold: 0, multiplier: 1 }, { name: "Gold", threshold: 100, multiplier: 1 }] },
    });
    const { earn: earnVerb } = await import("@/lib/ledger/earn");
    const start = Date.now();
    const back = { ...m.ctx, now: () => new Date(start - 40 * 86_400_000) };

    // Gold 40 days ago; today's small earn finds the window holding only itself.
    const gold = await makeCard(m, program.id);
    expect((await earnVerb(back, { cardId: gold.id, points: 150 })).card.tier).toBe("Gold");
    const dropped = await earnVerb(m.ctx, { cardId: gold.id, points: 5 });
    expect(dropped.card).toMatchObject({ tier: "Member", lifetimeEarned: 155 });

    // A Member card well below Gold stays Member, earn after earn, with no tier event.
    const member = await makeCard(m, program.id);
    for (const points of [10, 20, 30]) expect((await earnVerb(m.ctx, { cardId: member.id, points })).card.tier).toBe("Member");
    // …until its lifetime reaches the next rung: then the window decides (here: Gold).
    expect((await earnVerb(m.ctx, { cardId: member.id, points: 40 })).card.tier).toBe("Gold");
    const changes = await m.db.select().from(outboxEvents).where(and(eq(outboxEvents.merchantId, m.merchantId), eq(outboxEvents.type, "tier.changed")));
    const to = (cardId: string) => changes.filter((e) => (e.payload as { cardId: string }).cardId === cardId).map((e) => (e.payload as { to: string }).to);
    expect(to(gold.id).sort()).toEqual(["Gold", "Member"]);
    expect(to(member.id)).toEqual(["Gold"]);
    await expectLedgerConsistent(m.db, { merchantId: m.merchantId });
  });
});

describe("adjust", () => {
  it("moves the balance either way with a reason, and writes an audit entry", async () => {
    const m = await makeMerchant();
    const program = await makeProgram(m);
    const card = await makeCard(m, program.id);
    const up = await call(adjustRoute, { key: m.apiKey, params: { id: card.id }, body: { amount: 30, reason: "Goodwill for a late order" } });
    expect(up.status).toBe(201);
    expect(up.body.entry).toMatchObject({ kind: "adjust", amount: 30, balanceAfter: 30, reference: "Goodwill for a late order" });
    expect(up.body.card.lifetimeEarned).toBe(0);
    const down = await call(adjustRoute, { key: m.apiKey, params: { id: card.id }, body: { amount: -10, reason: "Duplicate scan" } });
    expect(down.body.card.balance).toBe(20);

    const audits = await m.db.select().from(auditLog).where(and(eq(auditLog.merchantId, m.merchantId), eq(auditLog.action, "card.adjusted")));
    expect(audits.map((a) => a.details).sort((x, y) => Number(x?.amount) - Number(y?.amount))).toEqual([
      { amount: -10, reason: "Duplicate scan", entryId: down.body.entry.id, balanceBefore: 30, balanceAfter: 20 },
      { amount: 30, reason: "Goodwill for a late order", entryId: up.body.entry.id, balanceBefore: 0, balanceAfter: 30 },
    ]);
    await expectLedgerConsistent(m.db, { cardId: card.id });
  });

  it("409 insufficient_balance rather than a negative balance; 422 for zero, fractions or no reason", async () => {
    const m = await makeMerchant();
    const card = await makeCard(m, (await makeProgram(m)).id);
    await call(adjustRoute, { key: m.apiKey, params: { id: card.id }, body: { amount: 5, reason: "start" } });
    const before = await countRows(m.db, m.merchantId);
    const tooMuch = await call(adjustRoute, { key: m.apiKey, params: { id: card.id }, body: { amount: -6, reason: "too much" } });
    expect(tooMuch.status).toBe(409);
    expect(tooMuch.body).toMatchObject({ code: "insufficient_balance", title: "Insufficient balance" });
    for (const body of [{ amount: 0, reason: "nothing" }, { amount: 1.5, reason: "half" }, { amount: 5 }, { amount: 5, reason: "  " }, { amount: 5, reason: "ok!", extra: 1 }]) {
      expect((await call(adjustRoute, { key: m.apiKey, params: { id: card.id }, body })).status, JSON.stringify(body)).toBe(422);
    }
    expect(await countRows(m.db, m.merchantId)).toEqual(before);
    await expectLedgerConsistent(m.db, { cardId: card.id });
  });
});

describe("reverse", () => {
  it("undoes an entry once, with an audit entry; a reversal is not reversed again", async () => {
    const m = await makeMerchant();
    const card = await makeCard(m, (await makeProgram(m)).id);
    const earned = await earn(m, card.id, { points: 50, reference: "order-9" });
    const res = await call(reverseRoute, { key: m.apiKey, params: { id: earned.body.entry.id }, body: { reason: "Order refunded" } });
    expect(res.status).toBe(201);
    expect(res.body.entry).toMatchObject({ kind: "reverse", amount: -50, balanceAfter: 0, reference: "order-9" });
    expect(res.body.card.balance).toBe(0);
    const audits = await m.db.select().from(auditLog).where(and(eq(auditLog.merchantId, m.merchantId), eq(auditLog.action, "entry.reversed")));
    expect(audits).toHaveLength(1);
    expect(audits[0]!.targetId).toBe(earned.body.entry.id);

    const twice = await call(reverseRoute, { key: m.apiKey, params: { id: earned.body.entry.id }, body: { reason: "Again" } });
    expect(twice.status).toBe(409);
    expect(twice.body.detail).toMatch(/already reversed/);
    const ofReversal = await call(reverseRoute, { key: m.apiKey, params: { id: res.body.entry.id }, body: { reason: "Undo undo" } });
    expect(ofReversal.status).toBe(409);
    await expectLedgerConsistent(m.db, { cardId: card.id });
  });

  it("reversing an earn whose points were spent is 409 insufficient_balance; reversing a spend gives points back", async () => {
    const m = await makeMerchant();
    const card = await makeCard(m, (await makeProgram(m)).id);
    const earned = await earn(m, card.id, { points: 50 });
    const spent = await call(adjustRoute, { key: m.apiKey, params: { id: card.id }, body: { amount: -40, reason: "Spent at the till" } });
    const res = await call(reverseRoute, { key: m.apiKey, params: { id: earned.body.entry.id }, body: { reason: "Refund" } });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe("insufficient_balance");
    const back = await call(reverseRoute, { key: m.apiKey, params: { id: spent.body.entry.id }, body: { reason: "Till error" } });
    expect(back.body.card.balance).toBe(50);
    await expectLedgerConsistent(m.db, { cardId: card.id });
  });

  it("another merchant's entry and unknown entries are 404; a missing reason is 422", async () => {
    const a = await makeMerchant();
    const b = await makeMerchant();
    const card = await makeCard(b, (await makeProgram(b)).id);
    const earned = await earn(b, card.id, { points: 50 });
    expect((await call(reverseRoute, { key: a.apiKey, params: { id: earned.body.entry.id }, body: { reason: "Not mine" } })).status).toBe(404);
    expect((await call(reverseRoute, { key: a.apiKey, params: { id: "ent_nope" }, body: { reason: "Nothing" } })).status).toBe(404);
    expect((await call(reverseRoute, { key: b.apiKey, params: { id: earned.body.entry.id }, body: {} })).status).toBe(422);
    await expectLedgerConsistent(b.db, { cardId: card.id });
  });
});
