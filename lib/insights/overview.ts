import { sql } from "drizzle-orm";
import { queryRows } from "../../db/client";
import { dashboardDailyStats } from "../../db/schema";
import { assertCan } from "../auth/permissions";
import { now, type Ctx } from "../context";
import { merchantOf } from "../merchants/verbs";

export type DayPoint = {
  day: string;
  members: number;
  newMembers: number;
  active: number;
  issued: number;
  redeemed: number;
  /** Wallet passes installed and removed that day (Apple and Google), and in a wallet at the day's end. */
  passesInstalled: number;
  passesRemoved: number;
  activePasses: number;
};

export type Overview = {
  currency: string;
  timezone: string;
  days: number;
  totals: {
    members: number;
    /** Cards used (earn, spend, visit) in the last 30 days. */
    active30: number;
    issued: number;
    redeemed: number;
    /** Redeemed ÷ issued over the period, 0–1; null when nothing was issued. */
    redemptionRate: number | null;
    /** Points and stamps customers hold and may still spend. */
    liabilityPoints: number;
    /** Cashback owed, in minor units of the currency. */
    liabilityCashback: number;
    /** Passes in a wallet now: Apple devices registered for a pass, Google objects last saved (not deleted). */
    activePasses: number;
    /** Passes installed and removed over the period. */
    passesInstalled: number;
    passesRemoved: number;
  };
  series: DayPoint[];
};

const DAY = 86_400_000;
const n = (v: unknown) => Number(v ?? 0);

/**
 * The overview's numbers and daily series, in the merchant's time zone. Finished days come from
 * dashboard_daily_stats (counted once, on the first visit after the day ends); today is counted
 * live, so the page costs the same for a merchant with a million ledger entries as for a new one.
 */
export async function overview(ctx: Ctx, opts: { days?: number } = {}): Promise<Overview> {
  assertCan(ctx.actor, "reports:read");
  const days = Math.min(Math.max(opts.days ?? 30, 7), 365);
  const merchant = await merchantOf(ctx);
  const tz = merchant.timezone;
  const at = now(ctx);
  const today = localDay(at, tz);
  const first = localDay(new Date(at.getTime() - (days - 1) * DAY), tz);
  const active30Since = new Date(at.getTime() - 30 * DAY).toISOString();
  const m = ctx.merchantId;

  await fillFinishedDays(ctx, tz, first, today);
  const [{ members, cardTotals }, stored, live, activePasses, passDays] = await Promise.all([
    merchantTotals(ctx, active30Since),
    queryRows<{ day: string; issued: number; redeemed: number; active: number; joined: number }>(
      ctx.db,
      sql`select to_char(day, 'YYYY-MM-DD') as day, issued, redeemed, active_cards as active, new_members as joined
          from dashboard_daily_stats
          where merchant_id = ${m} and timezone = ${tz} and day >= ${first}::date and day < ${today}::date`,
    ),
    dayStats(ctx, tz, today, today),
    activePassCount(ctx),
    passEventDays(ctx, tz, first, today),
  ]);

  const byDay = new Map([...stored, ...live].map((r) => [r.day, r]));
  const passesByDay = new Map(passDays.map((r) => [r.day, r]));
  const series: DayPoint[] = [];
  for (let i = days - 1; i >= 0; i--) {
    const day = localDay(new Date(at.getTime() - i * DAY), tz);
    const row = byDay.get(day);
    const passes = passesByDay.get(day);
    series.push({
      day,
      members: 0,
      newMembers: n(row?.joined),
      active: n(row?.active),
      issued: n(row?.issued),
      redeemed: n(row?.redeemed),
      passesInstalled: n(passes?.installed),
      passesRemoved: n(passes?.removed),
      activePasses: 0,
    });
  }
  // Members over time, counted back from today's total.
  let running = n(members[0]?.total);
  for (let i = series.length - 1; i >= 0; i--) {
    series[i]!.members = running;
    running -= series[i]!.newMembers;
  }
  // Passes in a wallet at each day's end, counted back from now the same way (never below zero:
  // passes installed before events were recorded have no install event).
  let inWallets = activePasses;
  for (let i = series.length - 1; i >= 0; i--) {
    series[i]!.activePasses = Math.max(0, inWallets);
    inWallets -= series[i]!.passesInstalled - series[i]!.passesRemoved;
  }
  const issued = series.reduce((s, d) => s + d.issued, 0);
  const redeemed = series.reduce((s, d) => s + d.redeemed, 0);
  return {
    currency: merchant.currency,
    timezone: tz,
    days,
    totals: {
      members: n(members[0]?.total),
      active30: n(cardTotals[0]?.active30),
      issued,
      redeemed,
      redemptionRate: issued > 0 ? redeemed / issued : null,
      liabilityPoints: n(cardTotals[0]?.points),
      liabilityCashback: n(cardTotals[0]?.cashback),
      activePasses,
      passesInstalled: series.reduce((s, d) => s + d.passesInstalled, 0),
      passesRemoved: series.reduce((s, d) => s + d.passesRemoved, 0),
    },
    series,
  };
}

type Totals = { members: Array<{ total: number }>; cardTotals: Array<{ points: number; cashback: number; active30: number }> };

/** From this many members on, the totals below are read at most once a minute per process. */
export const TOTALS_CACHE_FROM_MEMBERS = 50_000;
const TOTALS_CACHE_MS = 60_000;
const totalsCache = new Map<string, { at: number; totals: Totals }>();

/**
 * Members, points and cashback owed, cards active in 30 days: each a pass over every one of the
 * merchant's customers or cards (no index can answer a sum of balances without slowing every earn,
 * which would then write one more index entry). At a million cards that is ~0.5 s of a core, so for
 * a merchant that large the numbers are up to a minute old — counted live again on the first visit
 * after a minute (bench/results/scale.json). Smaller merchants see them live, on every visit.
 */
async function merchantTotals(ctx: Ctx, active30Since: string): Promise<Totals> {
  const m = ctx.merchantId;
  const cached = totalsCache.get(m);
  if (cached && Date.now() - cached.at < TOTALS_CACHE_MS) return cached.totals;
  const [members, cardTotals] = await Promise.all([
    queryRows<{ total: number }>(ctx.db, sql`select count(*)::int as total from customers where merchant_id = ${m} and erased_at is null`),
    // Summed per program first, then joined: one hash probe per program, not per card.
    queryRows<{ points: number; cashback: number; active30: number }>(
      ctx.db,
      sql`select coalesce(sum(t.balance) filter (where p.kind <> 'cashback'), 0)::bigint as points,
                 coalesce(sum(t.balance) filter (where p.kind = 'cashback'), 0)::bigint as cashback,
                 coalesce(sum(t.active30), 0)::int as active30
          from (select c.program_id, sum(c.balance) as balance,
                       count(*) filter (where c.last_activity_at >= ${active30Since}::timestamptz) as active30
                from cards c where c.merchant_id = ${m} and c.status = 'active' group by c.program_id) t
          join programs p on p.id = t.program_id`,
    ),
  ]);
  const totals = { members, cardTotals };
  if (n(members[0]?.total) >= TOTALS_CACHE_FROM_MEMBERS) totalsCache.set(m, { at: Date.now(), totals });
  else totalsCache.delete(m);
  return totals;
}

/** Per local day from `from` to `to` (inclusive): points issued and redeemed, cards used, members who joined. */
function dayStats(ctx: Ctx, tz: string, from: string, to: string) {
  const m = ctx.merchantId;
  // Bounds as instants, so the (merchant_id, created_at) indexes do the work.
  const start = sql`(${from}::date::timestamp at time zone ${tz})`;
  const end = sql`((${to}::date + 1)::timestamp at time zone ${tz})`;
  return queryRows<{ day: string; issued: number; redeemed: number; active: number; joined: number }>(
    ctx.db,
    sql`select to_char(d.day, 'YYYY-MM-DD') as day, coalesce(l.issued, 0)::int as issued, coalesce(l.redeemed, 0)::int as redeemed,
               coalesce(l.active, 0)::int as active, coalesce(c.joined, 0)::int as joined
        from generate_series(${from}::date, ${to}::date, interval '1 day') as d(day)
        left join (
          select (created_at at time zone ${tz})::date as day,
                 sum(amount) filter (where kind in ('earn', 'bonus') and amount > 0) as issued,
                 -sum(amount) filter (where kind = 'redeem') as redeemed,
                 count(distinct card_id) as active
          from ledger_entries where merchant_id = ${m} and created_at >= ${start} and created_at < ${end}
          group by 1
        ) l on l.day = d.day::date
        left join (
          select (created_at at time zone ${tz})::date as day, count(*) as joined
          from customers where merchant_id = ${m} and created_at >= ${start} and created_at < ${end} and erased_at is null
          group by 1
        ) c on c.day = d.day::date
        order by d.day`,
  );
}

/** Counts the finished days of the range that are not stored yet, once, and stores them. */
async function fillFinishedDays(ctx: Ctx, tz: string, first: string, today: string): Promise<void> {
  const [gap] = await queryRows<{ from: string | null; to: string | null }>(
    ctx.db,
    sql`select to_char(min(d.day), 'YYYY-MM-DD') as "from", to_char(max(d.day), 'YYYY-MM-DD') as "to"
        from generate_series(${first}::date, ${today}::date - 1, interval '1 day') as d(day)
        where not exists (select 1 from dashboard_daily_stats s
                          where s.merchant_id = ${ctx.merchantId} and s.timezone = ${tz} and s.day = d.day::date)`,
  );
  if (!gap?.from || !gap.to) return;
  const rows = await dayStats(ctx, tz, gap.from, gap.to);
  if (rows.length === 0) return;
  await ctx.db
    .insert(dashboardDailyStats)
    .values(rows.map((r) => ({ merchantId: ctx.merchantId, timezone: tz, day: r.day, issued: n(r.issued), redeemed: n(r.redeemed), activeCards: n(r.active), newMembers: n(r.joined) })))
    .onConflictDoNothing();
}

function localDay(at: Date, timeZone: string): string {
  // en-CA formats as YYYY-MM-DD.
  return new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(at);
}

/** Passes installed and removed per local day from `from` to `to` (wallet_pass_events). */
function passEventDays(ctx: Ctx, tz: string, from: string, to: string) {
  const start = sql`(${from}::date::timestamp at time zone ${tz})`;
  const end = sql`((${to}::date + 1)::timestamp at time zone ${tz})`;
  return queryRows<{ day: string; installed: number; removed: number }>(
    ctx.db,
    sql`select to_char((at at time zone ${tz})::date, 'YYYY-MM-DD') as day,
               count(*) filter (where kind = 'installed')::int as installed,
               count(*) filter (where kind = 'removed')::int as removed
        from wallet_pass_events
        where merchant_id = ${ctx.merchantId} and at >= ${start} and at < ${end}
        group by 1`,
  );
}

/**
 * Passes in a wallet now: each Apple device registered for a card's pass, and each Google object
 * whose latest save/delete callback was a save.
 */
async function activePassCount(ctx: Ctx): Promise<number> {
  const [row] = await queryRows<{ n: number }>(
    ctx.db,
    sql`select (select count(*) from apple_registrations r join cards c on c.id = r.card_id where c.merchant_id = ${ctx.merchantId})::int
             + (select count(*) from (
                  select distinct on (card_id) kind from wallet_pass_events
                  where merchant_id = ${ctx.merchantId} and wallet = 'google'
                  order by card_id, at desc, id desc
                ) g where g.kind = 'installed')::int as n`,
  );
  return n(row?.n);
}
