import { InngestTestEngine } from "@inngest/test";
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { POST as earnRoute } from "@/app/api/v1/cards/[id]/earn/route";
import { auditLog, cards, fraudFlags, ledgerEntries, outboxEvents, type EntryKind } from "@/db/schema";
import { fraudCheck } from "@/jobs/fraud-check";
import { fraudSweep } from "@/jobs/fraud-sweep";
import { dbReady } from "@/db/client";
import { enroll } from "@/lib/cards/enroll";
import { eraseCustomer } from "@/lib/customers/gdpr";
import { seedDemo } from "@/lib/demo/seed";
import { evaluateEntries, listFlags, resolveFlag, staffActivity, sweepFlags } from "@/lib/fraud/flags";
import { emailPattern, isoWeek, PURCHASE_STATS_CACHE_FROM } from "@/lib/fraud/rules";
import { newId } from "@/lib/ids";
import { earn } from "@/lib/ledger/earn";
import { createLocation } from "@/lib/locations/verbs";
import { redeemReward } from "@/lib/rewards/redeem";
import { call, makeCard, makeMerchant, makeProgram, makeReward, makeUser, type TestMerchant } from "../support/fixtures";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** The middle of the last full clock hour: every synthetic burst fits inside one hour window. */
const lastHour = () => new Date(Math.floor(Date.now() / HOUR) * HOUR - HOUR / 2);

type Synthetic = { cardId: string; kind?: EntryKind; amount?: number; actorType?: "user" | "api_key" | "system"; actorId?: string; locationId?: string | null; at: Date; details?: Record<string, unknown>; reversesEntryId?: string };

/** Synthetic ledger rows written straight to the table: the rules read only the ledger. */
async function entries(m: TestMerchant, rows: Synthetic[]): Promise<string[]> {
  const values = rows.map((r) => ({
    id: newId("ent"),
    merchantId: m.merchantId,
    cardId: r.cardId,
    kind: r.kind ?? "earn",
    amount: r.amount ?? 10,
    balanceAfter: 0,
    actorType: r.actorType ?? "system",
    actorId: r.actorId ?? "test",
    source: "test",
    locationId: r.locationId ?? null,
    details: r.details ?? null,
    reversesEntryId: r.reversesEntryId ?? null,
    createdAt: r.at,
  }));
  for (let i = 0; i < values.length; i += 500) await m.db.insert(ledgerEntries).values(values.slice(i, i + 500));
  return values.map((v) => v.id);
}

async function world() {
  const m = await makeMerchant();
  const program = await makeProgram(m);
  const cardsOf = async (n: number) => Promise.all(Array.from({ length: n }, () => makeCard(m, program.id)));
  return { m, program, cardsOf };
}

const openFlags = async (m: TestMerchant) => m.db.select().from(fraudFlags).where(eq(fraudFlags.merchantId, m.merchantId));

describe("fraud rules", () => {
  it("card velocity: more than 5 earns on a card in an hour flags and holds it; 5 do not", async () => {
    const { m, cardsOf } = await world();
    const [busy, normal] = await cardsOf(2);
    const at = lastHour();
    const busyIds = await entries(m, Array.from({ length: 6 }, (_, i) => ({ cardId: busy!.id, at: new Date(at.getTime() + i * 60_000) })));
    const normalIds = await entries(m, Array.from({ length: 5 }, (_, i) => ({ cardId: normal!.id, at: new Date(at.getTime() + i * 60_000) })));
    const raised = await evaluateEntries(m.db, m.merchantId, [...busyIds, ...normalIds]);
    expect(raised.map((f) => [f.rule, f.subjectId])).toEqual([["card_velocity", busy!.id]]);
    expect(raised[0]!.evidence).toMatchObject({ earns: 6, threshold: 5, entryIds: busyIds });
    const [held] = await m.db.select().from(cards).where(eq(cards.id, busy!.id));
    expect(held!.heldByFlagId).toBe(raised[0]!.id);
    // The same entries again: nothing new.
    expect(await evaluateEntries(m.db, m.merchantId, busyIds)).toEqual([]);
    const events = await m.db.select().from(outboxEvents).where(and(eq(outboxEvents.merchantId, m.merchantId), eq(outboxEvents.type, "flag.raised")));
    expect(events.map((e) => e.payload)).toEqual([expect.objectContaining({ flagId: raised[0]!.id, rule: "card_velocity", cardId: busy!.id, held: true })]);
  });

  it("cashier and location velocity: beyond 60 earns by one cashier, 200 at one location, in an hour", async () => {
    const { m, cardsOf } = await world();
    const many = await cardsOf(15);
    const loc = await createLocation(m.ctx, { name: "Airport", latitude: null, longitude: null });
    const quiet = await createLocation(m.ctx, { name: "Village", latitude: null, longitude: null });
    const at = lastHour();
    const spread = (n: number, extra: Partial<Synthetic>) => Array.from({ length: n }, (_, i) => ({ cardId: many[i % many.length]!.id, at: new Date(at.getTime() + i * 1000), ...extra }));
    await entries(m, spread(61, { actorType: "user", actorId: "usr_fast" }));
    await entries(m, spread(60, { actorType: "user", actorId: "usr_normal" }));
    await entries(m, spread(201 - 121, { locationId: loc.id }));
    await m.db.update(ledgerEntries).set({ locationId: loc.id }).where(eq(ledgerEntries.merchantId, m.merchantId));
    await entries(m, spread(200, { locationId: quiet.id, actorType: "api_key", actorId: "key_a" }).map((r, i) => ({ ...r, actorId: `key_${i % 5}` })));
    const raised = await sweepFlags(m.db, m.merchantId);
    // (The few cards these earns are spread over trip the card rule too; this test is about the other two.)
    const found = raised.filter((f) => f.rule !== "card_velocity").map((f) => `${f.rule}:${f.subjectId}`).sort();
    expect(found).toEqual([`cashier_velocity:usr_fast`, `location_velocity:${loc.id}`]);
    expect(raised.find((f) => f.rule === "location_velocity")!.evidence).toMatchObject({ earns: 201, threshold: 200 });
    // Neither holds a card.
    expect(raised.filter((f) => f.rule !== "card_velocity").every((f) => f.cardId === null)).toBe(true);
  });

  it("a batch counts a cashier's hour only until the hour is flagged, and the next hour afresh", async () => {
    const { m, cardsOf } = await world();
    const many = await cardsOf(40);
    const hourStart = Math.floor(Date.now() / HOUR) * HOUR - 2 * HOUR;
    const burst = (n: number, start: number) =>
      Array.from({ length: n }, (_, i) => ({ cardId: many[i % many.length]!.id, at: new Date(start + i * 1000), actorType: "user" as const, actorId: "usr_busy" }));
    const first = await entries(m, burst(61, hourStart));
    const raised = await evaluateEntries(m.db, m.merchantId, first.slice(-1));
    expect(raised.filter((f) => f.rule === "cashier_velocity").map((f) => f.window)).toEqual([new Date(hourStart).toISOString().slice(0, 13)]);
    // The flag's evidence stays what it found: a later batch of the same hour does not recount it.
    const later = await entries(m, burst(30, hourStart + 20 * 60_000));
    expect((await evaluateEntries(m.db, m.merchantId, later)).filter((f) => f.rule === "cashier_velocity")).toEqual([]);
    const [flag] = await m.db.select().from(fraudFlags).where(and(eq(fraudFlags.merchantId, m.merchantId), eq(fraudFlags.rule, "cashier_velocity")));
    expect(flag!.evidence).toMatchObject({ earns: 61 });
    // A batch over this hour and the next: the next hour is counted, and flagged, on its own.
    const next = await entries(m, burst(61, hourStart + HOUR));
    const both = await evaluateEntries(m.db, m.merchantId, [later[0]!, next.at(-1)!]);
    expect(both.filter((f) => f.rule === "cashier_velocity").map((f) => [f.window, f.evidence.earns])).toEqual([[new Date(hourStart + HOUR).toISOString().slice(0, 13), 61]]);
  });

  it("large purchase: beyond both p99 and 5× the median of the last 90 days, once there is a history", async () => {
    const { m, cardsOf } = await world();
    const [card, big, fine] = await cardsOf(3);
    const history = Array.from({ length: 30 }, (_, i) => ({ cardId: card!.id, at: new Date(Date.now() - (i + 2) * DAY), details: { purchase: { amount: 1000 + i * 20, currency: "USD" } } }));
    const recent = lastHour();
    const [bigId] = await entries(m, [{ cardId: big!.id, at: recent, details: { purchase: { amount: 20_000, currency: "USD" } } }]);
    const [fineId] = await entries(m, [{ cardId: fine!.id, at: recent, details: { purchase: { amount: 2_500, currency: "USD" } } }]);
    // Without a history nothing is "unusual".
    expect(await evaluateEntries(m.db, m.merchantId, [bigId!, fineId!])).toEqual([]);
    await entries(m, history);
    const raised = await evaluateEntries(m.db, m.merchantId, [bigId!, fineId!]);
    expect(raised.map((f) => [f.rule, f.cardId, f.window])).toEqual([["large_purchase", big!.id, bigId]]);
    expect(raised[0]!.evidence).toMatchObject({ amount: 20_000, currency: "USD", history: 30, median: 1290 });
  });

  it("large purchase: a large history's statistics are read once per hour; a history written later counts from the next hour", async () => {
    const { m, cardsOf } = await world();
    const [regular, big, later, nextHour] = await cardsOf(4);
    // 5,000 purchases of 10.00–19.99 over the last 90 days: median ~15.00, 99th percentile ~19.89.
    const history = Array.from({ length: PURCHASE_STATS_CACHE_FROM }, (_, i) => ({ cardId: regular!.id, at: new Date(Date.now() - 2 * DAY - (i % 80) * DAY), details: { purchase: { amount: 1000 + (i % 1000), currency: "USD" } } }));
    await entries(m, history);
    const hour = Math.floor(Date.now() / HOUR) * HOUR - HOUR;
    const [bigId] = await entries(m, [{ cardId: big!.id, at: new Date(hour + 60_000), details: { purchase: { amount: 9_000, currency: "USD" } } }]);
    expect((await evaluateEntries(m.db, m.merchantId, [bigId!])).map((f) => [f.rule, f.window])).toEqual([["large_purchase", bigId]]);
    // 100 purchases of 500.00 slipped into the history afterwards (no production writer dates an entry
    // in the past): they would lift the 99th percentile far above 90.00, but this hour keeps what it read.
    await entries(m, Array.from({ length: 100 }, () => ({ cardId: regular!.id, at: new Date(Date.now() - 3 * DAY), details: { purchase: { amount: 50_000, currency: "USD" } } })));
    const [laterId] = await entries(m, [{ cardId: later!.id, at: new Date(hour + 120_000), details: { purchase: { amount: 9_000, currency: "USD" } } }]);
    const raised = await evaluateEntries(m.db, m.merchantId, [laterId!]);
    expect(raised.map((f) => [f.rule, f.window])).toEqual([["large_purchase", laterId]]);
    expect(raised[0]!.evidence).toMatchObject({ history: PURCHASE_STATS_CACHE_FROM, p99: expect.closeTo(1989, 0) });
    // The next hour reads the history again, the late purchases included: 90.00 is no longer unusual.
    const [nextId] = await entries(m, [{ cardId: nextHour!.id, at: new Date(hour + HOUR), details: { purchase: { amount: 9_000, currency: "USD" } } }]);
    expect(await evaluateEntries(m.db, m.merchantId, [nextId!])).toEqual([]);
  });

  it("sign-ups: five cards from one address in an hour, or five emails of one pattern in a day", async () => {
    const { m, program } = await world();
    // Letters only: the pattern drops a counter at the end of the local part, digits of the tag included.
    const tag = m.merchantId.toLowerCase().slice(4, 12).replace(/[^a-z]/g, "q");
    for (let i = 0; i < 5; i++) await enroll(m.ctx, { programId: program.id, customer: { email: `p${i}-${tag}@one.test` } }, { joinIp: "203.0.113.9" });
    for (let i = 0; i < 4; i++) await enroll(m.ctx, { programId: program.id, customer: { email: `q${i}-${tag}@two.test` } }, { joinIp: "198.51.100.4" });
    for (let i = 1; i <= 5; i++) await enroll(m.ctx, { programId: program.id, customer: { email: `ann${tag}+${i}@mail.test` } });
    for (let i = 1; i <= 4; i++) await enroll(m.ctx, { programId: program.id, customer: { email: `bob${tag}${i}@mail.test` } });
    const raised = await sweepFlags(m.db, m.merchantId);
    expect(raised.map((f) => f.subjectId).sort()).toEqual([`email:ann${tag}@mail.test`, "ip:203.0.113.9"]);
    expect(raised.find((f) => f.subjectId.startsWith("ip:"))!.evidence).toMatchObject({ cards: 5, threshold: 5 });
    expect(emailPattern("Ann+7@X.test")).toBe("ann@x.test");
    // The join address is personal data: erasing the customer removes it.
    const [first] = await m.db.select().from(cards).where(and(eq(cards.merchantId, m.merchantId), eq(cards.joinIp, "203.0.113.9")));
    await eraseCustomer(m.ctx, { customerId: first!.customerId });
    expect((await m.db.select().from(cards).where(eq(cards.id, first!.id)))[0]!.joinIp).toBeNull();
    expect(emailPattern("ann12@x.test")).toBe("ann@x.test");
  });

  it("redemption right after the earn that paid for it flags the card; a card that could already pay does not", async () => {
    const { m, program, cardsOf } = await world();
    const reward = await makeReward(m, program.id, 100);
    const [quick, regular] = await cardsOf(2);
    await earn({ ...m.ctx, now: () => new Date(Date.now() - 3 * DAY) }, { cardId: regular!.id, points: 200 });
    const e1 = await earn(m.ctx, { cardId: quick!.id, points: 100 });
    const r1 = await redeemReward(m.ctx, { cardId: quick!.id, rewardId: reward.id });
    const e2 = await earn(m.ctx, { cardId: regular!.id, points: 10 });
    const r2 = await redeemReward(m.ctx, { cardId: regular!.id, rewardId: reward.id });
    const raised = await evaluateEntries(m.db, m.merchantId, [e1.entry.id, r1.entry.id, e2.entry.id, r2.entry.id]);
    expect(raised.map((f) => [f.rule, f.cardId])).toEqual([["redeem_after_earn", quick!.id]]);
    expect(raised[0]!.evidence).toMatchObject({ redeemEntryId: r1.entry.id, earnEntryId: e1.entry.id, redeemed: 100, earned: 100, balanceBeforeEarn: 0 });
  });

  it("cashier outlier: corrections far above the team's median; the staff view counts adjustments, reversals and voids", async () => {
    const { m, cardsOf } = await world();
    const [card] = await cardsOf(1);
    const owner = await makeUser(m, "owner");
    const at = new Date(Date.now() - 2 * DAY);
    const team = ["usr_a", "usr_b", "usr_c"];
    for (const actorId of team) {
      const [earnId] = await entries(m, [{ cardId: card!.id, actorType: "user", actorId, at }]);
      await entries(m, [{ cardId: card!.id, kind: "adjust", amount: 5, actorType: "user", actorId, at }]);
      if (actorId === "usr_a") await entries(m, [{ cardId: card!.id, kind: "reverse", amount: -10, actorType: "user", actorId, at: new Date(at.getTime() + 60_000), reversesEntryId: earnId }]);
    }
    // usr_x: 4 adjustments and 2 quick reversals (voids) = 6 corrections, against a median of 1–2.
    const xEarns = await entries(m, [0, 1].map(() => ({ cardId: card!.id, actorType: "user" as const, actorId: "usr_x", at })));
    await entries(m, [1, 2, 3, 4].map((i) => ({ cardId: card!.id, kind: "adjust" as const, amount: -i, actorType: "user" as const, actorId: "usr_x", at })));
    await entries(m, xEarns.map((id) => ({ cardId: card!.id, kind: "reverse" as const, amount: -10, actorType: "user" as const, actorId: "usr_x", at: new Date(at.getTime() + 120_000), reversesEntryId: id })));

    const raised = await sweepFlags(m.db, m.merchantId);
    expect(raised.map((f) => [f.rule, f.subjectId, f.window])).toEqual([["cashier_outlier", "usr_x", isoWeek(new Date())]]);
    expect(raised[0]!.evidence).toMatchObject({ corrections: 6, teamMedian: 1, factor: 3 });

    const view = await staffActivity({ ...m.ctx, actor: owner });
    const x = view.rows.find((r) => r.actorId === "usr_x")!;
    expect(x).toMatchObject({ earns: 2, adjustments: 4, adjustedPoints: 10, reversals: 2, voids: 2, corrections: 6 });
    expect(view.rows[0]!.actorId).toBe("usr_x");
    expect(view.rows.find((r) => r.actorId === "usr_a")).toMatchObject({ adjustments: 1, reversals: 1, voids: 1 });
    expect(view.teamMedian).toBe(1.5);
  });
});

describe("holding and resolving", () => {
  const apiEarn = (m: TestMerchant, cardId: string) => call(earnRoute, { key: m.apiKey, params: { id: cardId }, body: { points: 5 } });

  it("a held card refuses earns with 409 card_held; releasing it lets earns through; each action is audited", async () => {
    const { m, cardsOf } = await world();
    const [card] = await cardsOf(1);
    const owner = await makeUser(m, "owner");
    const ids = await entries(m, Array.from({ length: 6 }, () => ({ cardId: card!.id, at: lastHour() })));
    const [flag] = await evaluateEntries(m.db, m.merchantId, ids);

    const refused = await apiEarn(m, card!.id);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: "card_held", title: "Card held for review" });
    expect(refused.body.detail).toMatch(/on hold for review/);

    const as = { ...m.ctx, actor: owner };
    const confirmed = await resolveFlag(as, { flagId: flag!.id, action: "confirm", note: "Cashier testing the till" });
    expect(confirmed).toMatchObject({ status: "confirmed", cardHeld: true, resolvedBy: owner.id });
    expect((await apiEarn(m, card!.id)).status).toBe(409);
    await expect(resolveFlag(as, { flagId: flag!.id, action: "dismiss" })).rejects.toMatchObject({ code: "conflict" });

    expect(await resolveFlag(as, { flagId: flag!.id, action: "release" })).toMatchObject({ cardHeld: false });
    expect((await apiEarn(m, card!.id)).status).toBe(201);

    const log = await m.db.select().from(auditLog).where(and(eq(auditLog.merchantId, m.merchantId), eq(auditLog.targetId, flag!.id)));
    expect(log.map((l) => [l.action, l.actorId]).sort()).toEqual([["flag.confirm", owner.id], ["flag.release", owner.id]].sort());
    expect(log.find((l) => l.action === "flag.confirm")!.details).toMatchObject({ cardId: card!.id, cardHeld: true, note: "Cashier testing the till" });
  });

  it("dismissing a false alarm lifts its hold; holding by hand works on an open card flag", async () => {
    const { m, cardsOf } = await world();
    const [card] = await cardsOf(1);
    const admin = await makeUser(m, "admin");
    const [flag] = await evaluateEntries(m.db, m.merchantId, await entries(m, Array.from({ length: 6 }, () => ({ cardId: card!.id, at: lastHour() }))));
    const as = { ...m.ctx, actor: admin };
    await resolveFlag(as, { flagId: flag!.id, action: "release" });
    expect((await apiEarn(m, card!.id)).status).toBe(201);
    await resolveFlag(as, { flagId: flag!.id, action: "hold" });
    expect((await apiEarn(m, card!.id)).status).toBe(409);
    expect(await resolveFlag(as, { flagId: flag!.id, action: "dismiss" })).toMatchObject({ status: "dismissed", cardHeld: false });
    expect((await apiEarn(m, card!.id)).status).toBe(201);
    const listed = await listFlags(as, { status: "resolved" });
    expect(listed.map((f) => [f.id, f.status, f.cardHeld])).toEqual([[flag!.id, "dismissed", false]]);
    const log = await m.db.select({ action: auditLog.action }).from(auditLog).where(and(eq(auditLog.merchantId, m.merchantId), eq(auditLog.targetId, flag!.id)));
    expect(log.map((l) => l.action).sort()).toEqual(["flag.dismiss", "flag.hold", "flag.release"]);
  });

  it("another business cannot see or resolve a flag; only owners and admins may", async () => {
    const { m, cardsOf } = await world();
    const [card] = await cardsOf(1);
    const [flag] = await evaluateEntries(m.db, m.merchantId, await entries(m, Array.from({ length: 6 }, () => ({ cardId: card!.id, at: lastHour() }))));
    const other = await makeMerchant();
    const outsider = await makeUser(other, "owner");
    expect(await listFlags({ ...other.ctx, actor: outsider })).toEqual([]);
    await expect(resolveFlag({ ...other.ctx, actor: outsider }, { flagId: flag!.id, action: "dismiss" })).rejects.toMatchObject({ code: "not_found" });
    for (const role of ["marketer", "staff", "partner"] as const) {
      const actor = await makeUser(m, role);
      await expect(resolveFlag({ ...m.ctx, actor }, { flagId: flag!.id, action: "dismiss" })).rejects.toMatchObject({ code: "forbidden" });
      await expect(listFlags({ ...m.ctx, actor })).rejects.toMatchObject({ code: "forbidden" });
    }
    const [still] = await openFlags(m);
    expect(still!.status).toBe("open");
  });
});

describe("fraud jobs", () => {
  it("the check runs on a batch of balance-change events; the hourly sweep finds what no event showed", async () => {
    const { m, program, cardsOf } = await world();
    const [card] = await cardsOf(1);
    const ids = await entries(m, Array.from({ length: 6 }, () => ({ cardId: card!.id, at: lastHour() })));
    const events = ids.map((entryId) => ({ name: "card.balance_changed" as const, data: { merchantId: m.merchantId, cardId: card!.id, programId: program.id, entryId, kind: "earn", amount: 10, balance: 10 } }));
    const first = await new InngestTestEngine({ function: fraudCheck, events: events as [typeof events[number], ...typeof events] }).execute();
    expect(first.error).toBeUndefined();
    expect(first.result).toEqual({ entries: 6, raised: 1 });
    const again = await new InngestTestEngine({ function: fraudCheck, events: events as [typeof events[number], ...typeof events] }).execute();
    expect(again.result).toEqual({ entries: 6, raised: 0 });

    for (let i = 0; i < 5; i++) await enroll(m.ctx, { programId: program.id, customer: { email: `burst${i}-${m.merchantId.toLowerCase()}@x.test` } }, { joinIp: "192.0.2.77" });
    const sweep = await new InngestTestEngine({ function: fraudSweep }).execute();
    expect(sweep.error).toBeUndefined();
    const flags = await openFlags(m);
    expect(flags.map((f) => f.rule).sort()).toEqual(["card_velocity", "signup_burst"]);
  });
});

describe("the demo shop", () => {
  it("has one flag of each kind for the Flags page, and the card that kept earning is held", async () => {
    const db = await dbReady();
    const { merchant } = await seedDemo(db, { customers: 12 });
    const owner = { type: "system" as const, id: "test" };
    const flags = await listFlags({ db, merchantId: merchant.id, actor: owner, source: "test" });
    expect(flags.map((f) => f.rule).sort()).toEqual(["card_velocity", "cashier_outlier", "large_purchase", "redeem_after_earn", "signup_burst", "signup_burst"]);
    expect(flags.find((f) => f.rule === "card_velocity")).toMatchObject({ cardHeld: true, customerEmail: "ray.rapid@example.com" });
    const outlier = flags.find((f) => f.rule === "cashier_outlier")!;
    expect(outlier.subjectLabel).toBe("Cashier sam@beanthere.test");
    // One ordinary correction, four adjustments and three quick reversals: all of them before now.
    expect(outlier.evidence).toMatchObject({ corrections: 8, teamMedian: 0 });
  });
});
