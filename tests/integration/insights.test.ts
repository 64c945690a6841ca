import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { campaignMembers, ledgerEntries } from "@/db/schema";
import { activateCampaign } from "@/lib/campaigns/run";
import { enroll } from "@/lib/cards/enroll";
import type { Ctx } from "@/lib/context";
import { expireCard } from "@/lib/expiry/expire";
import { cohortRetention, expiryForecast, insightsOptions, liabilityTrend, moneyMetrics } from "@/lib/insights/metrics";
import { expectedVisits, probabilityAlive } from "@/lib/insights/bgnbd";
import { rfmSummary } from "@/lib/insights/rfm";
import { refreshInsightsStats } from "@/lib/insights/stats";
import { createWinbackCampaign } from "@/lib/insights/winback";
import { earn } from "@/lib/ledger/earn";
import { createLocation } from "@/lib/locations/verbs";
import { redeemReward } from "@/lib/rewards/redeem";
import { createReward } from "@/lib/rewards/verbs";
import { makeMerchant, makeProgram, makeUser, type TestMerchant } from "../support/fixtures";

const DAY = 86_400_000;
const at = (ctx: Ctx, iso: string): Ctx => ({ ...ctx, now: () => new Date(iso) });
const NOW = "2043-03-31T12:00:00Z";

/**
 * A shop (UTC) whose history is known to the cent. Range: 2043-03-02..03-31, previous 01-31..03-01.
 *   A (joined March): purchases 10.00, 20.00, 30.00 at Downtown rung up by the cashier; redeems a 30-point reward.
 *   B (joined March): one purchase of 5.00 at Harbor, through the API.
 *   C (joined February): 50 points on 02-10 (previous range).
 *   D (joined January): 40 points on 01-01, which expire on 03-03 (rolling 60 days), then 10 points on 03-10.
 */
async function shop() {
  const m = await makeMerchant({ timezone: "UTC" });
  const owner = await makeUser(m, "owner");
  const cashier = await makeUser(m, "staff");
  const ctx: Ctx = { ...m.ctx, actor: owner };
  const program = await makeProgram(m, { rules: { basis: "amount", rate: 1 }, expiry: { kind: "rolling", days: 60 } });
  const coffee = await createReward(m.ctx, { programId: program.id, name: "Coffee", cost: 30, value: 150 });
  await createReward(m.ctx, { programId: program.id, name: "Mug", cost: 200 });
  const downtown = await createLocation(m.ctx, { name: "Downtown", latitude: null, longitude: null });
  const harbor = await createLocation(m.ctx, { name: "Harbor", latitude: null, longitude: null });
  const join = async (email: string, iso: string) => (await enroll(at(m.ctx, iso), { programId: program.id, customer: { email } })).card;
  const d = await join("d@example.test", "2043-01-01T09:00:00Z");
  await earn(at(m.ctx, "2043-01-01T10:00:00Z"), { cardId: d.id, points: 40 });
  const c = await join("c@example.test", "2043-02-10T09:00:00Z");
  await earn(at(m.ctx, "2043-02-10T10:00:00Z"), { cardId: c.id, points: 50 });
  await expireCard(at(m.ctx, "2043-03-03T08:00:00Z"), d.id);
  await earn(at(m.ctx, "2043-03-10T10:00:00Z"), { cardId: d.id, points: 10 });
  const a = await join("a@example.test", "2043-03-25T09:00:00Z");
  const byCashier = (iso: string): Ctx => ({ ...at(m.ctx, iso), actor: cashier, source: "scanner" });
  for (const [iso, amount] of [
    ["2043-03-25T10:00:00Z", 1000],
    ["2043-03-27T10:00:00Z", 2000],
    ["2043-03-29T10:00:00Z", 3000],
  ] as const) {
    await earn(byCashier(iso), { cardId: a.id, purchase: { amount, currency: "USD" }, locationId: downtown.id });
  }
  await redeemReward(at(m.ctx, "2043-03-30T10:00:00Z"), { cardId: a.id, rewardId: coffee.id });
  const b = await join("b@example.test", "2043-03-28T09:00:00Z");
  await earn(at(m.ctx, "2043-03-28T10:00:00Z"), { cardId: b.id, purchase: { amount: 500, currency: "USD" }, locationId: harbor.id });
  return { m, ctx: at(ctx, NOW), owner, cashier, program, downtown, harbor, cards: { a, b, c, d } };
}

describe("insights: money metrics", () => {
  it("counts visits, spend, redemption and breakage for the range and the one before it", async () => {
    const s = await shop();
    const data = await moneyMetrics(s.ctx, { from: "2043-03-02", to: "2043-03-31" });
    // Issued in March: A 10 + 20 + 30, B 5, D 10 = 75 points; redeemed 30; expired 40 (D, on 03-03).
    expect(data.current).toMatchObject({
      from: "2043-03-02",
      to: "2043-03-31",
      visitors: 3,
      visits: 5,
      revenue: 6500,
      spendPerVisit: 1625,
      issued: 75,
      redeemed: 30,
      expired: 40,
    });
    expect(data.current.repeatRate).toBeCloseTo(1 / 3);
    expect(data.current.visitsPerMember).toBeCloseTo(5 / 3);
    expect(data.current.redemptionRate).toBeCloseTo(30 / 75);
    expect(data.current.breakage).toBeCloseTo(40 / 75);
    expect(data.previous).toMatchObject({ from: "2043-01-31", to: "2043-03-01", visitors: 1, visits: 1, revenue: 0, spendPerVisit: null, issued: 50, redeemed: 0, expired: 0, repeatRate: 0 });
    // Held now: A 30, B 5, C 50, D 10 = 95 points at 150 ¢ ÷ 30 points = 5 ¢ a point (the mug has no value: not counted).
    expect(data.liability).toEqual({ points: 95, value: 475, unvaluedPoints: 0, cashback: 0 });
  });

  it("filters by location and by cashier (breakage is neither's)", async () => {
    const s = await shop();
    const downtown = await moneyMetrics(s.ctx, { from: "2043-03-02", to: "2043-03-31", locationId: s.downtown.id });
    expect(downtown.current).toMatchObject({ visitors: 1, visits: 3, revenue: 6000, spendPerVisit: 2000, repeatRate: 1, breakage: null });
    const harbor = await moneyMetrics(s.ctx, { from: "2043-03-02", to: "2043-03-31", locationId: s.harbor.id });
    expect(harbor.current).toMatchObject({ visitors: 1, visits: 1, revenue: 500, repeatRate: 0 });
    const cashier = await moneyMetrics(s.ctx, { from: "2043-03-02", to: "2043-03-31", cashierId: s.cashier.id });
    expect(cashier.current).toMatchObject({ visitors: 1, visits: 3, revenue: 6000 });
    const owner = await moneyMetrics(s.ctx, { from: "2043-03-02", to: "2043-03-31", cashierId: s.owner.id });
    expect(owner.current).toMatchObject({ visitors: 0, visits: 0, revenue: 0, repeatRate: null, spendPerVisit: null });
    const options = await insightsOptions(s.ctx);
    expect(options.locations.map((l) => l.name)).toEqual(["Downtown", "Harbor"]);
    expect(options.cashiers.map((c) => c.id)).toContain(s.cashier.id);
  });

  it("does not count a reversed earn as a visit", async () => {
    const s = await shop();
    const { reverse } = await import("@/lib/ledger/reverse");
    const [entry] = await s.m.db
      .select()
      .from(ledgerEntries)
      .where(and(eq(ledgerEntries.cardId, s.cards.b.id), eq(ledgerEntries.kind, "earn")));
    await reverse(at(s.m.ctx, "2043-03-28T11:00:00Z"), { entryId: entry!.id, reason: "wrong card" });
    const data = await moneyMetrics(s.ctx, { from: "2043-03-02", to: "2043-03-31" });
    expect(data.current).toMatchObject({ visitors: 2, visits: 4, revenue: 6000 });
  });

  it("builds monthly cohorts, the liability trend and the expiry forecast", async () => {
    const s = await shop();
    const cohorts = await cohortRetention(s.ctx, { months: 3 });
    expect(cohorts.rows).toEqual([
      { cohort: "2043-01", members: 1, retained: [1, 0, 1] },
      { cohort: "2043-02", members: 1, retained: [1, 0] },
      { cohort: "2043-03", members: 2, retained: [2] },
    ]);
    const trend = await liabilityTrend(s.ctx, { days: 30 });
    expect(trend).toHaveLength(30);
    const on = (day: string) => trend.find((p) => p.day === day)!;
    expect(on("2043-03-02")).toEqual({ day: "2043-03-02", points: 90, value: 450 });
    expect(on("2043-03-03")).toMatchObject({ points: 50 });
    expect(trend.at(-1)).toEqual({ day: "2043-03-31", points: 95, value: 475 });
    // C's 50 points (earned 02-10) lapse on 04-11; everything else (earned in March) within 90 days.
    expect(await expiryForecast(s.ctx)).toEqual({ next30: 50, next90: 95, value30: 250, value90: 475 });
  });

  it("is a report: marketers and partners read it, staff do not; another business sees none of it", async () => {
    const s = await shop();
    const staff = { ...s.ctx, actor: s.cashier };
    await expect(moneyMetrics(staff)).rejects.toMatchObject({ code: "forbidden" });
    await expect(rfmSummary(staff, { programId: s.program.id })).rejects.toMatchObject({ code: "forbidden" });
    const marketer = { ...s.ctx, actor: await makeUser(s.m, "marketer") };
    await expect(moneyMetrics(marketer, { from: "2043-03-02", to: "2043-03-31" })).resolves.toMatchObject({ current: { visits: 5 } });

    const other: TestMerchant = await makeMerchant();
    const otherCtx = { ...other.ctx, actor: await makeUser(other, "owner"), now: () => new Date(NOW) };
    const theirs = await moneyMetrics(otherCtx, { from: "2043-03-02", to: "2043-03-31" });
    expect(theirs.current).toMatchObject({ visitors: 0, visits: 0, revenue: 0, issued: 0 });
    expect(theirs.liability).toEqual({ points: 0, value: 0, unvaluedPoints: 0, cashback: 0 });
    expect((await cohortRetention(otherCtx, { months: 3 })).rows.every((r) => r.members === 0)).toBe(true);
    await expect(rfmSummary(otherCtx, { programId: s.program.id })).rejects.toMatchObject({ code: "not_found" });
    await expect(createWinbackCampaign(otherCtx, { programId: s.program.id, group: "at_risk" })).rejects.toMatchObject({ code: "not_found" });
  });
});

/**
 * Five members whose recency, visits and spend each rank 1..5, so each score is its rank:
 *   champ: 1 day ago, 5 visits, 50.00 → R5 F5 M5 → champions
 *   quiet: 60 days ago, 4 visits, 40.00 → R1 F4 M4 → can't lose
 *   fading: 40 days ago, 3 visits, 30.00 → R2 F3 M3 → at risk
 *   fresh: 5 days ago, 1 visit, 10.00 → R4 F1 M1 → new
 *   middle: 20 days ago, 2 visits, 20.00 → R3 F2 M2 → potential
 * and one member who never came.
 */
async function rfmShop() {
  const m = await makeMerchant({ timezone: "UTC" });
  const owner = await makeUser(m, "owner");
  const ctx: Ctx = { ...m.ctx, actor: owner };
  const program = await makeProgram(m, { rules: { basis: "amount", rate: 1 } });
  await createReward(m.ctx, { programId: program.id, name: "Coffee", cost: 40 });
  const nowMs = Date.now();
  const member = async (name: string, lastDaysAgo: number, visits: number) => {
    const first = nowMs - (lastDaysAgo + 7 * (visits - 1)) * DAY - 3600_000;
    const { card } = await enroll({ ...m.ctx, now: () => new Date(first - 60_000) }, { programId: program.id, customer: { email: `${name}@example.test`, name } });
    for (let j = visits - 1; j >= 0; j--) {
      await earn({ ...m.ctx, now: () => new Date(nowMs - (lastDaysAgo + 7 * j) * DAY) }, { cardId: card.id, purchase: { amount: 1000, currency: "USD" } });
    }
    return card;
  };
  const cards = {
    champ: await member("champ", 1, 5),
    quiet: await member("quiet", 60, 4),
    fading: await member("fading", 40, 3),
    fresh: await member("fresh", 5, 1),
    middle: await member("middle", 20, 2),
  };
  await enroll({ ...m.ctx, now: () => new Date(nowMs - 2 * DAY) }, { programId: program.id, customer: { email: "never@example.test" } });
  return { m, ctx, program, cards };
}

describe("insights: RFM and churn", () => {
  it("scores hand-built members into the named groups and lists those at risk, best spenders first", async () => {
    const s = await rfmShop();
    const rfm = await rfmSummary(s.ctx, { programId: s.program.id });
    const count = Object.fromEntries(rfm.groups.map((g) => [g.group, g.members]));
    expect(count).toEqual({ champions: 1, loyal: 0, potential: 1, new: 1, at_risk: 1, cant_lose: 1, hibernating: 0, lost: 0 });
    expect(rfm).toMatchObject({ members: 6, withoutVisits: 1, monetaryIsMoney: true, model: null });
    expect(rfm.atRisk.map((r) => [r.name, r.group, r.r, r.f, r.m, r.monetary, r.visits])).toEqual([
      ["quiet", "cant_lose", 1, 4, 4, 4000, 4],
      ["fading", "at_risk", 2, 3, 3, 3000, 3],
    ]);
    const champions = rfm.groups.find((g) => g.group === "champions")!;
    expect(champions.avgVisits).toBe(5);
    expect(champions.avgDaysSinceVisit).toBeCloseTo(1, 1);
  });

  it("scores as of the day's snapshot: a later visit counts in the next day's", async () => {
    const s = await rfmShop();
    const visits = (r: Awaited<ReturnType<typeof rfmSummary>>) => Math.round(r.groups.reduce((t, g) => t + g.members * g.avgVisits, 0));
    const today = await rfmSummary(s.ctx, { programId: s.program.id });
    expect(visits(today)).toBe(15);
    await earn(s.m.ctx, { cardId: s.cards.fresh.id, purchase: { amount: 1000, currency: "USD" } });
    expect(visits(await rfmSummary(s.ctx, { programId: s.program.id }))).toBe(15);
    const tomorrow = new Date(Date.now() + DAY);
    const snapshot = await refreshInsightsStats(s.m.db, s.m.merchantId, tomorrow);
    expect(snapshot.asOf.getTime()).toBeGreaterThan(today.asOf.getTime());
    const next = await rfmSummary({ ...s.ctx, now: () => tomorrow }, { programId: s.program.id });
    expect(next.asOf).toEqual(snapshot.asOf);
    expect(visits(next)).toBe(16);
  });

  it("hides names from a partner, who may read reports but not members", async () => {
    const s = await rfmShop();
    const rfm = await rfmSummary({ ...s.ctx, actor: await makeUser(s.m, "partner") }, { programId: s.program.id });
    expect(rfm.atRisk).toHaveLength(2);
    expect(rfm.atRisk.every((r) => r.name === null)).toBe(true);
  });

  it("a one-click win-back campaign reaches exactly the group when it starts", async () => {
    const s = await rfmShop();
    const campaign = await createWinbackCampaign(s.ctx, { programId: s.program.id, group: "cant_lose" });
    expect(campaign).toMatchObject({ status: "scheduled", audience: { kind: "rfm_group", group: "cant_lose" }, effect: { kind: "bonus", points: 20 } });
    const started = await activateCampaign(s.m.db, campaign.id, campaign.scheduleVersion, new Date(campaign.startsAt.getTime() + 60_000));
    expect(started).toMatchObject({ ok: true, bonusCards: 1, bonusPoints: 20 });
    const audience = await s.m.db.select().from(campaignMembers).where(eq(campaignMembers.campaignId, campaign.id));
    expect(audience.map((r) => r.cardId)).toEqual([s.cards.quiet.id]);
    await expect(createWinbackCampaign({ ...s.ctx, actor: await makeUser(s.m, "partner") }, { programId: s.program.id })).rejects.toMatchObject({ code: "forbidden" });
  });

  it("fits the churn model once a day and gives each member P(alive) and expected visits", async () => {
    const m = await makeMerchant({ timezone: "UTC" });
    const owner = await makeUser(m, "owner");
    const program = await makeProgram(m, { kind: "stamps", stampsRequired: 50 });
    const nowMs = Date.parse("2043-03-31T12:00:00Z");
    // 24 members: regulars every week until now, and lapsed ones who came weekly and stopped 10 weeks ago.
    for (let i = 0; i < 24; i++) {
      const lapsed = i % 3 === 0;
      const start = nowMs - (20 + (i % 5)) * 7 * DAY;
      const { card } = await enroll({ ...m.ctx, now: () => new Date(start - 60_000) }, { programId: program.id, customer: { email: `m${i}@example.test` } });
      const end = lapsed ? nowMs - 10 * 7 * DAY : nowMs - DAY;
      for (let t = start; t <= end; t += 7 * DAY) await earn({ ...m.ctx, now: () => new Date(t) }, { cardId: card.id, stamps: 1 });
    }
    const ctx = { ...m.ctx, actor: owner, now: () => new Date(nowMs) };
    const rfm = await rfmSummary(ctx, { programId: program.id });
    expect(rfm.model).not.toBeNull();
    expect(rfm.monetaryIsMoney).toBe(false);
    expect(rfm.expected90Total).toBeGreaterThan(0);
    // Fitted once for the day: a second look reads the same parameters.
    const again = await rfmSummary({ ...ctx, now: () => new Date(nowMs + 3600_000) }, { programId: program.id });
    expect(again.model).toEqual(rfm.model);
    expect(again.asOf).toEqual(new Date(nowMs));
    // The fitted model thinks a weekly visitor who stopped 10 weeks ago is less likely alive, and expects fewer visits, than a regular.
    const model = rfm.model!;
    const lapsed = { x: 10, tx: 10, T: 20 };
    const regular = { x: 20, tx: 20 - 1 / 7, T: 20 };
    expect(probabilityAlive(model, lapsed)).toBeLessThan(probabilityAlive(model, regular));
    expect(expectedVisits(model, lapsed, 90 / 7)).toBeLessThan(expectedVisits(model, regular, 90 / 7));
    for (const member of rfm.atRisk) {
      expect(member.pAlive).toBeGreaterThanOrEqual(0);
      expect(member.pAlive).toBeLessThanOrEqual(1);
      expect(member.expected90).toBeGreaterThanOrEqual(0);
    }
  });
});
