import { eq, sql } from "drizzle-orm";
import { queryRows } from "@/db/client";
import { describe, expect, it } from "vitest";
import { cards, ledgerEntries, type LedgerEntry } from "@/db/schema";
import { enroll } from "@/lib/cards/enroll";
import type { Ctx } from "@/lib/context";
import { expireCard } from "@/lib/expiry/expire";
import { addDays, cohortRetention, localDay, moneyMetrics, ranges, type InsightsQuery, type PeriodMetrics } from "@/lib/insights/metrics";
import { earn } from "@/lib/ledger/earn";
import { reverse } from "@/lib/ledger/reverse";
import { createLocation } from "@/lib/locations/verbs";
import { redeemReward } from "@/lib/rewards/redeem";
import { createReward } from "@/lib/rewards/verbs";
import { makeMerchant, makeProgram, makeUser } from "../support/fixtures";

/*
 * The Insights page reads its money metrics from daily aggregates (lib/insights/aggregates.ts:
 * finished days stored by the refresh, today live, reversals since the refresh subtracted). These
 * tests draw a history at random (seeded) and check every number against a count of the ledger
 * itself, written here from the definitions: before and after the refresh, with today's rows, a
 * reversal of an earlier day's earn after the refresh, and ranges that cross the boundary.
 */

const TZ = "America/New_York";
const at = (ctx: Ctx, iso: Date | string): Ctx => ({ ...ctx, now: () => new Date(iso) });

/** A small seeded generator (mulberry32), so a failure can be replayed. */
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The metrics by the book, from the ledger's rows: what the aggregates must equal. */
function byTheBook(entries: LedgerEntry[], q: { from: string; to: string; locationId?: string; cashierId?: string; programId?: string }, cardProgram: Map<string, string>): Omit<PeriodMetrics, "breakage"> {
  const reversed = new Set(entries.filter((e) => e.kind === "reverse" && e.reversesEntryId).map((e) => e.reversesEntryId!));
  const perCard = new Map<string, number>();
  const out = { from: q.from, to: q.to, visitors: 0, visits: 0, revenue: 0, issued: 0, redeemed: 0, expired: 0, purchases: 0 };
  for (const e of entries) {
    const day = localDay(e.createdAt, TZ);
    if (day < q.from || day > q.to || reversed.has(e.id) || !["earn", "bonus", "redeem", "expire"].includes(e.kind)) continue;
    if (q.locationId && e.locationId !== q.locationId) continue;
    if (q.cashierId && !(e.actorType === "user" && e.actorId === q.cashierId)) continue;
    if (q.programId && cardProgram.get(e.cardId) !== q.programId) continue;
    if (e.kind === "earn") {
      out.visits++;
      perCard.set(e.cardId, (perCard.get(e.cardId) ?? 0) + 1);
      const purchase = (e.details as { purchase?: { amount: number; currency: string } } | null)?.purchase;
      if (purchase?.currency === "USD") {
        out.purchases++;
        out.revenue += purchase.amount;
      }
    }
    if ((e.kind === "earn" || e.kind === "bonus") && e.amount > 0) out.issued += e.amount;
    if (e.kind === "redeem") out.redeemed -= e.amount;
    if (e.kind === "expire") out.expired -= e.amount;
  }
  const visitors = [...perCard.values()].filter((v) => v > 0).length;
  const repeaters = [...perCard.values()].filter((v) => v >= 2).length;
  return {
    from: q.from,
    to: q.to,
    visitors,
    visits: out.visits,
    repeatRate: visitors ? repeaters / visitors : null,
    visitsPerMember: visitors ? out.visits / visitors : null,
    revenue: out.revenue,
    spendPerVisit: out.purchases ? Math.round(out.revenue / out.purchases) : null,
    issued: out.issued,
    redeemed: out.redeemed,
    expired: out.expired,
    redemptionRate: out.issued ? out.redeemed / out.issued : null,
  };
}

async function history(seed: number) {
  const rnd = random(seed);
  const m = await makeMerchant({ timezone: TZ });
  const owner = await makeUser(m, "owner");
  const cashier = await makeUser(m, "staff");
  const points = await makeProgram(m, { rules: { basis: "amount", rate: 1 }, expiry: { kind: "rolling", days: 20 } });
  const stamps = await makeProgram(m, { name: "Stamps", kind: "stamps" });
  const coffee = await createReward(m.ctx, { programId: points.id, name: "Coffee", cost: 15, value: 150 });
  const locations = [await createLocation(m.ctx, { name: "Downtown", latitude: null, longitude: null }), await createLocation(m.ctx, { name: "Harbor", latitude: null, longitude: null })];
  const cards: { id: string; programId: string }[] = [];
  const start = Date.parse("2043-04-01T12:00:00Z");
  for (let i = 0; i < 8; i++) {
    const programId = i % 4 === 3 ? stamps.id : points.id;
    const { card } = await enroll(at(m.ctx, new Date(start - (i + 1) * 3_600_000)), { programId, customer: { email: `m${i}-${seed}@example.test` } });
    cards.push({ id: card.id, programId });
  }
  /** Some visits, a redemption now and then, at random hours (local evenings cross UTC midnight). */
  const day = async (t0: number) => {
    for (const card of cards) {
      const visits = rnd() < 0.35 ? (rnd() < 0.3 ? 2 : 1) : 0;
      for (let v = 0; v < visits; v++) {
        const t = new Date(t0 + Math.floor(rnd() * 22) * 3_600_000 + v * 60_000);
        const byCashier = rnd() < 0.5;
        const ctx: Ctx = byCashier ? { ...at(m.ctx, t), actor: cashier, source: "scanner" } : at(m.ctx, t);
        const locationId = rnd() < 0.8 ? locations[Math.floor(rnd() * 2)]!.id : undefined;
        if (card.programId === points.id) await earn(ctx, { cardId: card.id, purchase: { amount: 300 + Math.floor(rnd() * 2000), currency: "USD" }, locationId });
        else await earn(ctx, { cardId: card.id, stamps: 1, locationId });
        if (card.programId === points.id && rnd() < 0.2) await redeemReward(at(m.ctx, new Date(t.getTime() + 60_000)), { cardId: card.id, rewardId: coffee.id }).catch(() => undefined);
      }
    }
  };
  for (let d = 0; d < 45; d++) await day(start + d * 86_400_000);
  // Expiry for every card at the end of the history's 45th day.
  for (const card of cards) await expireCard(at(m.ctx, new Date(start + 44 * 86_400_000 + 23 * 3_600_000)), card.id);
  const ctx: Ctx = { ...m.ctx, actor: owner };
  return { m, ctx, owner, cashier, points, stamps, locations, cards, start, day, rnd };
}

/**
 * insights_day_totals (the sums a range reads) against the ledger counted by the book: per finished
 * local day, program, location and cashier, the counted entries not reversed (every reversal here
 * made before the refresh that `now` ran).
 */
async function totalsEqualTheLedger(db: Ctx["db"], merchantId: string, entries: LedgerEntry[], now: Date, cardProgram: Map<string, string>) {
  const today = localDay(now, TZ);
  const reversed = new Set(entries.filter((e) => e.kind === "reverse" && e.reversesEntryId).map((e) => e.reversesEntryId!));
  const want = new Map<string, number[]>();
  for (const e of entries) {
    const day = localDay(e.createdAt, TZ);
    if (day >= today || reversed.has(e.id) || !["earn", "bonus", "redeem", "expire"].includes(e.kind)) continue;
    const key = [day, cardProgram.get(e.cardId), e.locationId ?? "", e.actorType === "user" ? (e.actorId ?? "") : ""].join("|");
    const t = want.get(key) ?? [0, 0, 0, 0, 0, 0];
    const purchase = (e.details as { purchase?: { amount: number; currency: string } } | null)?.purchase;
    if (e.kind === "earn") t[0]! += 1;
    if (e.kind === "earn" && purchase?.currency === "USD") {
      t[1]! += 1;
      t[2]! += purchase.amount;
    }
    if ((e.kind === "earn" || e.kind === "bonus") && e.amount > 0) t[3]! += e.amount;
    if (e.kind === "redeem") t[4]! -= e.amount;
    if (e.kind === "expire") t[5]! -= e.amount;
    want.set(key, t);
  }
  const rows = await queryRows<Record<string, string | number>>(
    db,
    sql`select to_char(day, 'YYYY-MM-DD') as day, program_id, location_id, cashier_id, visits, purchases, revenue, issued, redeemed, expired
        from insights_day_totals where merchant_id = ${merchantId} and timezone = ${TZ}`,
  );
  const got = new Map(
    rows.map((r) => [
      [r.day, r.program_id, r.location_id, r.cashier_id].join("|"),
      [r.visits, r.purchases, r.revenue, r.issued, r.redeemed, r.expired].map(Number),
    ]),
  );
  expect(got.size).toBeGreaterThan(0);
  expect(Object.fromEntries([...got].sort())).toEqual(Object.fromEntries([...want].sort()));
  // insights_month_visitors: the members with a visit on this month's finished days, per program.
  const month = today.slice(0, 7);
  const visited = new Map<string, Set<string>>();
  for (const e of entries) {
    const day = localDay(e.createdAt, TZ);
    if (e.kind !== "earn" || reversed.has(e.id) || !day.startsWith(month) || day >= today) continue;
    const program = cardProgram.get(e.cardId)!;
    visited.set(program, (visited.get(program) ?? new Set()).add(e.cardId));
  }
  const members = await queryRows<{ program_id: string; n: number }>(
    db,
    sql`select program_id, sum(members)::int as n from insights_month_visitors where merchant_id = ${merchantId} and timezone = ${TZ} and month = ${month} group by 1`,
  );
  expect(Object.fromEntries(members.map((r) => [r.program_id, Number(r.n)]))).toEqual(Object.fromEntries([...visited].map(([p, cards]) => [p, cards.size])));
  // insights_range_counts: visitors and repeat visitors of the default ranges' finished days, per program.
  const { current, previous } = ranges({}, today);
  const perCard = new Map<string, number>();
  for (const e of entries) {
    const day = localDay(e.createdAt, TZ);
    if (e.kind !== "earn" || reversed.has(e.id) || day < previous.from || day >= today) continue;
    const key = `${day >= current.from}|${cardProgram.get(e.cardId)}|${e.cardId}`;
    perCard.set(key, (perCard.get(key) ?? 0) + 1);
  }
  const counts = new Map<string, [number, number]>();
  for (const [key, n] of perCard) {
    const group = key.split("|").slice(0, 2).join("|");
    const c = counts.get(group) ?? [0, 0];
    counts.set(group, [c[0] + 1, c[1] + (n >= 2 ? 1 : 0)]);
  }
  const stored = await queryRows<{ current: boolean | string; program_id: string; visitors: number; repeaters: number }>(
    db,
    sql`select current, program_id, visitors, repeaters from insights_range_counts where merchant_id = ${merchantId} and timezone = ${TZ} and day = ${today}::date`,
  );
  const isTrue = (v: boolean | string) => v === true || v === "t" || v === "true";
  expect(Object.fromEntries(stored.filter((r) => Number(r.visitors) > 0).map((r) => [`${isTrue(r.current)}|${r.program_id}`, [Number(r.visitors), Number(r.repeaters)]]))).toEqual(
    Object.fromEntries(counts),
  );
}

describe("insights: daily aggregates equal the ledger counted live", () => {
  it("before and after the refresh, with today's rows, a later reversal of an earlier earn, and ranges across the boundary", async () => {
    const h = await history(12);
    // In ledger order: the entries picked below must not depend on the plan the database chose.
    const all = async () => h.m.db.select().from(ledgerEntries).where(eq(ledgerEntries.merchantId, h.m.merchantId)).orderBy(ledgerEntries.seq);
    // An earn of that day whose points the card still holds (one whose points were spent cannot be reversed).
    const reversibleEarn = async (day: string, except?: string) => {
      const balances = new Map((await h.m.db.select({ id: cards.id, balance: cards.balance }).from(cards).where(eq(cards.merchantId, h.m.merchantId))).map((c) => [c.id, c.balance]));
      return (await all()).find((e) => e.kind === "earn" && e.id !== except && localDay(e.createdAt, TZ) === day && (balances.get(e.cardId) ?? 0) >= e.amount);
    };
    const cardProgram = new Map(h.cards.map((c) => [c.id, c.programId]));
    const check = async (now: Date, label: string) => {
      const entries = await all();
      const today = localDay(now, TZ);
      const queries: InsightsQuery[] = [
        {},
        { from: addDays(today, -6), to: today },
        { from: addDays(today, -20), to: addDays(today, -3) },
        { from: addDays(today, -40), to: addDays(today, -1) },
        { programId: h.points.id },
        { programId: h.stamps.id, from: addDays(today, -12), to: today },
        { locationId: h.locations[0]!.id },
        { cashierId: h.cashier.id, from: addDays(today, -10), to: today },
        { locationId: h.locations[1]!.id, cashierId: h.cashier.id },
      ];
      for (const q of queries) {
        const got = await moneyMetrics(at(h.ctx, now), q);
        for (const period of ["current", "previous"] as const) {
          const p = got[period];
          const { breakage, ...rest } = p;
          const want = byTheBook(entries, { ...q, from: p.from, to: p.to }, cardProgram);
          expect({ label, q, period, ...rest }).toEqual({ label, q, period, ...want });
          expect(breakage).toEqual(q.locationId || q.cashierId || !want.issued ? null : want.expired / want.issued);
        }
      }
      // This month's cohort cells (stored days of the month, plus today) against the ledger.
      const reversed = new Set(entries.filter((e) => e.kind === "reverse").map((e) => e.reversesEntryId));
      const month = today.slice(0, 7);
      const visitedThisMonth = new Set(entries.filter((e) => e.kind === "earn" && !reversed.has(e.id) && localDay(e.createdAt, TZ).startsWith(month)).map((e) => e.cardId));
      const cohorts = await cohortRetention(at(h.ctx, now), { months: 3 });
      const thisMonth = cohorts.rows.reduce((s, r) => s + (r.retained.at(-1) ?? 0), 0);
      expect({ label, thisMonth }).toEqual({ label, thisMonth: visitedThisMonth.size });
    };

    // Day 46 of the history (2043-05-16 local): the first read counts the 45 finished days.
    const today0 = h.start + 45 * 86_400_000;
    await h.day(today0 - 12 * 3_600_000);
    await check(new Date(today0 + 10 * 3_600_000), "first read");
    await totalsEqualTheLedger(h.m.db, h.m.merchantId, await all(), new Date(today0 + 10 * 3_600_000), cardProgram);

    // Later that day: more visits (live rows), a reversal of an earn three days back and of one of
    // today's (both after the refresh), and a redemption reversed.
    const old = (await reversibleEarn(localDay(new Date(today0 - 3 * 86_400_000), TZ)))!;
    const t1 = new Date(today0 + 11 * 3_600_000);
    await earn({ ...at(h.m.ctx, t1), actor: h.cashier, source: "scanner" }, { cardId: old.cardId, purchase: { amount: 999, currency: "USD" }, locationId: h.locations[0]!.id });
    await reverse(at(h.m.ctx, new Date(t1.getTime() + 60_000)), { entryId: old.id, reason: "wrong card" });
    const recent = (await all()).filter((e) => e.kind === "earn" && e.createdAt >= new Date(today0)).at(-1)!;
    await reverse(at(h.m.ctx, new Date(t1.getTime() + 120_000)), { entryId: recent.id, reason: "typo" });
    const redemption = (await all()).find((e) => e.kind === "redeem" && localDay(e.createdAt, TZ) < localDay(t1, TZ));
    if (redemption) await reverse(at(h.m.ctx, new Date(t1.getTime() + 180_000)), { entryId: redemption.id, reason: "refund" });
    await check(new Date(t1.getTime() + 3_600_000), "same day, after the refresh");

    // Two days on: the refresh stores the finished days, recounts the reversed card-days, moves its mark.
    await h.day(today0 + 86_400_000);
    const later = new Date(today0 + 2 * 86_400_000 + 14 * 3_600_000);
    const another = await reversibleEarn(localDay(new Date(today0 - 10 * 86_400_000), TZ), old.id);
    if (another) await reverse(at(h.m.ctx, new Date(later.getTime() - 3_600_000)), { entryId: another.id, reason: "duplicate" });
    await check(later, "two days on");
    // The refresh of this read recounted the days with reversed entries and added the two new days.
    await totalsEqualTheLedger(h.m.db, h.m.merchantId, await all(), later, cardProgram);
  });
});
