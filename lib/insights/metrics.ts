import { sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { queryRows, type Executor } from "../../db/client";
import { assertCan } from "../auth/permissions";
import { now, type Ctx } from "../context";
import { pointsDueBy } from "../expiry/forecast";
import { EntityId } from "../ids";
import { merchantOf } from "../merchants/verbs";
import { chainCounts, dayTotalRows, ensureAggregates, recentRows, storedRange, type Aggregates, type RowFilter } from "./aggregates";
import { pointValues, type PointValue } from "./value";

/*
 * The Insights page's money questions. A visit is an earn (points, stamps or cashback for a
 * purchase or a visit) that was not reversed; its purchase amount is the one sent with the earn.
 * Ranges are whole local days in the merchant's time zone, `from` and `to` included.
 */

const DAY = 86_400_000;
const Day = z.iso.date();

export const InsightsQuery = z
  .object({
    programId: EntityId.optional(),
    locationId: EntityId.optional(),
    /** A team member's user id: what they rang up at the counter. */
    cashierId: z.string().min(1).max(64).optional(),
    from: Day.optional(),
    to: Day.optional(),
  })
  .strict()
  .refine((q) => !q.from || !q.to || q.from <= q.to, { message: "the range ends before it starts", path: ["to"] });
export type InsightsQuery = z.input<typeof InsightsQuery>;

export type PeriodMetrics = {
  from: string;
  to: string;
  /** Members with at least one visit. */
  visitors: number;
  visits: number;
  /** Share of visitors who came at least twice, 0–1 (null: no visitor). */
  repeatRate: number | null;
  visitsPerMember: number | null;
  /** Purchases sent with earns, in minor units of the merchant's currency. */
  revenue: number;
  spendPerVisit: number | null;
  issued: number;
  redeemed: number;
  expired: number;
  /** Redeemed ÷ issued (null: nothing issued). */
  redemptionRate: number | null;
  /** Expired ÷ issued; null when nothing was issued, or when filtered by location or cashier (expiry belongs to neither). */
  breakage: number | null;
};

export type MoneyMetrics = {
  currency: string;
  timezone: string;
  current: PeriodMetrics;
  previous: PeriodMetrics;
  liability: Liability;
};

export type Liability = {
  /** Points and stamps customers hold. */
  points: number;
  /** Their worth at the catalogue's cost per point, in minor units (programs with a cost per point only). */
  value: number;
  /** Points of programs whose catalogue has no valued reward yet: not in `value`. */
  unvaluedPoints: number;
  /** Cashback owed, in minor units. */
  cashback: number;
};

export type Range = { from: string; to: string; days: number };

/** The chosen range (30 days to today by default) and the one of equal length just before it. */
export function ranges(q: { from?: string; to?: string }, today: string): { current: Range; previous: Range } {
  const to = q.to ?? today;
  const from = q.from ?? addDays(to, -29);
  const days = Math.round((Date.parse(to) - Date.parse(from)) / DAY) + 1;
  return { current: { from, to, days }, previous: { from: addDays(from, -days), to: addDays(from, -1), days } };
}

export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10);
}

export function localDay(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(at);
}

/** Money metrics for the range and the one before it, with the outstanding liability now. */
export async function moneyMetrics(ctx: Ctx, raw: InsightsQuery = {}): Promise<MoneyMetrics> {
  assertCan(ctx.actor, "reports:read");
  const q = InsightsQuery.parse(raw);
  const merchant = await merchantOf(ctx);
  const tz = merchant.timezone;
  const at = now(ctx);
  const r = ranges(q, localDay(at, tz));
  const [values, aggregates] = await Promise.all([pointValues(ctx.db, ctx.merchantId), ensureAggregates(ctx.db, ctx.merchantId, at)]);
  const [periods, liability] = await Promise.all([bothPeriods(ctx, q, aggregates, r, values), outstanding(ctx, q.programId, values, merchant.currency)]);
  return { currency: merchant.currency, timezone: tz, current: periods.current, previous: periods.previous, liability };
}

/**
 * Ids of the merchant's entries reversed by a reversal made since `start` (a reversal comes after
 * what it reverses, so this holds every reversed entry made since then).
 */
const reversedSince = (merchantId: string, start: SQL) =>
  sql`select r.reverses_entry_id from ledger_entries r where r.merchant_id = ${merchantId} and r.kind = 'reverse' and r.created_at >= ${start} and r.reverses_entry_id is not null`;

type PeriodRow = Record<string, string | number | boolean | null>;
/** The merchant's cashback programs, as a list for `in` (read once, not per row). */
const cashbackList = (values: Map<string, PointValue>): SQL => {
  const ids = [...values.values()].filter((v) => v.kind === "cashback").map((v) => sql`${v.programId}`);
  return ids.length ? sql`(${sql.join(ids, sql`, `)})` : sql`('')`;
};

/**
 * Both ranges' numbers. The sums (visits, purchases, revenue, points) from the day totals and the
 * recent rows (aggregates.ts); visitors and repeat visitors from the per-card rows: per card and
 * range for a location or cashier (the stored rows' visit chains are the card's, across locations
 * and cashiers), else in one scan without grouping by card (see chainedCounts).
 */
async function periodRows(ctx: Ctx, q: z.infer<typeof InsightsQuery>, a: Aggregates, r: { current: Range; previous: Range }, cashback: SQL): Promise<PeriodRow[]> {
  const curFrom = sql`${r.current.from}::date`;
  const range = { from: r.previous.from, to: r.current.to };
  const filter = { programId: q.programId, locationId: q.locationId, cashierId: q.cashierId };
  const counts = q.locationId || q.cashierId ? perCardCounts(a, range, filter, curFrom) : chainedCounts(a, range, q.programId, curFrom, r);
  return queryRows<PeriodRow>(
    ctx.db,
    sql`with recent as materialized (${recentRows(a, range, filter)}),
        counts as (${counts}),
        sums as (
          select x.day >= ${curFrom} as cur, sum(x.visits) as visits, sum(x.purchases) as purchases, sum(x.revenue) as revenue,
                 sum(x.issued) filter (where not x.cashback) as issued, sum(x.redeemed) filter (where not x.cashback) as redeemed,
                 sum(x.expired) filter (where not x.cashback) as expired
          from (select u.*, u.program_id in ${cashback} as cashback from (
                  ${dayTotalRows(a, range, filter)}
                  union all select day, program_id, visits, purchases, revenue, issued, redeemed, expired from recent) u) x
          group by 1
        )
        select c.cur,
               coalesce(n.visitors, 0)::int as visitors, coalesce(n.repeaters, 0)::int as repeaters,
               coalesce(x.visits, 0)::int as visits, coalesce(x.purchases, 0)::int as purchases, coalesce(x.revenue, 0)::bigint as revenue,
               coalesce(x.issued, 0)::bigint as issued, coalesce(x.redeemed, 0)::bigint as redeemed, coalesce(x.expired, 0)::bigint as expired
        from (values (true), (false)) as c(cur) left join counts n on n.cur = c.cur left join sums x on x.cur = c.cur`,
  );
}

/** Visitors and repeat visitors (cur, visitors, repeaters) per card and range: the rows' visits added per card. */
function perCardCounts(a: Aggregates, range: { from: string; to: string }, filter: RowFilter, curFrom: SQL): SQL {
  return sql`select cur, count(*) filter (where v > 0) as visitors, count(*) filter (where v >= 2) as repeaters
    from (select u.card_id, u.day >= ${curFrom} as cur, sum(u.visits) as v
          from (select d.card_id, d.day, d.visits from insights_card_days d where ${storedRange(a, range, filter, "d")} and d.visits <> 0
                union all select card_id, day, visits from recent where visits <> 0) u
          group by 1, 2) p
    group by cur`;
}

/**
 * Visitors and repeat visitors of both ranges without grouping by card (chainCounts in
 * aggregates.ts): the default ranges from the counts made at the refresh (insights_range_counts),
 * others in one scan of the stored rows. Cards with rows today or reversals since the refresh (few,
 * in `recent`) are counted per card instead: taken out of the stored counts, added per card.
 */
function chainedCounts(a: Aggregates, range: { from: string; to: string }, programId: string | undefined, curFrom: SQL, r: { current: Range; previous: Range }): SQL {
  const stored = storedRange(a, range, { programId }, "d");
  const preset = ranges({}, a.today);
  const isDefault = r.current.from === preset.current.from && r.current.to === preset.current.to;
  const touched = sql`d.card_id in (select card_id from recent)`;
  const storedCounts = isDefault
    ? sql`select current as cur, visitors, repeaters from insights_range_counts
          where merchant_id = ${a.merchantId} and timezone = ${a.timezone} and day = ${a.today}::date ${programId ? sql`and program_id = ${programId}` : sql``}
          union all
          select cur, -visitors, -repeaters from (${chainCounts(sql`${touched} and ${stored}`, r.current.from, r.previous.from)}) t`
    : sql`${chainCounts(sql`${stored} and not ${touched}`, r.current.from, r.previous.from)}`;
  return sql`select cur, sum(visitors) as visitors, sum(repeaters) as repeaters from (
      ${storedCounts}
      union all
      select cur, count(*) filter (where v > 0), count(*) filter (where v >= 2)
      from (select u.card_id, u.day >= ${curFrom} as cur, sum(u.visits) as v
            from (select d.card_id, d.day, d.visits from insights_card_days d where d.card_id in (select card_id from recent) and ${stored}
                  union all select card_id, day, visits from recent) u
            group by 1, 2) p
      group by cur
    ) c group by cur`;
}

/**
 * The metrics of both ranges from the daily aggregates (aggregates.ts: finished days stored, today
 * live); cards of cashback programs neither issue nor redeem points.
 */
async function bothPeriods(
  ctx: Ctx,
  q: z.infer<typeof InsightsQuery>,
  a: Aggregates,
  r: { current: Range; previous: Range },
  values: Map<string, PointValue>,
): Promise<{ current: PeriodMetrics; previous: PeriodMetrics }> {
  const cashback = cashbackList(values);
  const rows = await periodRows(ctx, q, a, r, cashback);
  const metrics = (range: Range, row: PeriodRow | undefined): PeriodMetrics => {
    const n = (k: string) => Number(row?.[k] ?? 0);
    const ratio = (x: number, y: number) => (y > 0 ? x / y : null);
    const issued = n("issued");
    return {
      from: range.from,
      to: range.to,
      visitors: n("visitors"),
      visits: n("visits"),
      repeatRate: ratio(n("repeaters"), n("visitors")),
      visitsPerMember: ratio(n("visits"), n("visitors")),
      revenue: n("revenue"),
      spendPerVisit: n("purchases") > 0 ? Math.round(n("revenue") / n("purchases")) : null,
      issued,
      redeemed: n("redeemed"),
      expired: n("expired"),
      redemptionRate: ratio(n("redeemed"), issued),
      breakage: q.locationId || q.cashierId ? null : ratio(n("expired"), issued),
    };
  };
  const isCur = (v: unknown) => v === true || v === "t" || v === "true";
  return { current: metrics(r.current, rows.find((x) => isCur(x.cur))), previous: metrics(r.previous, rows.find((x) => !isCur(x.cur))) };
}

type Balance = { program_id: string; balance: number };
/** The sums in flight, per request context and program: the page's liability and its trend ask at the same moment. */
const balancesInFlight = new WeakMap<Ctx, Map<string, Promise<Balance[]>>>();

/**
 * Points held now on active cards, per program (a sum over every card). Two calls with the same
 * context while the first is still running share its query (the Insights page asks for the money
 * metrics and the liability trend at once); a call after it has finished reads again.
 */
function balancesNow(ctx: Ctx, programId: string | undefined): Promise<Balance[]> {
  const key = programId ?? "";
  const running = balancesInFlight.get(ctx) ?? new Map<string, Promise<Balance[]>>();
  balancesInFlight.set(ctx, running);
  const pending = running.get(key);
  if (pending) return pending;
  const read = queryRows<Balance>(
    ctx.db,
    sql`select c.program_id, coalesce(sum(c.balance), 0)::bigint as balance from cards c
        where c.merchant_id = ${ctx.merchantId} and c.status = 'active' ${programId ? sql`and c.program_id = ${programId}` : sql``}
        group by c.program_id`,
  ).finally(() => running.delete(key));
  running.set(key, read);
  return read;
}

/** Balances held now, valued per program at its cost per point. */
async function outstanding(ctx: Ctx, programId: string | undefined, values: Map<string, PointValue>, currency: string): Promise<Liability> {
  const rows = await balancesNow(ctx, programId);
  const out: Liability = { points: 0, value: 0, unvaluedPoints: 0, cashback: 0 };
  for (const r of rows) {
    const v = values.get(r.program_id);
    const balance = Number(r.balance);
    if (!v) continue;
    if (v.kind === "cashback") {
      if (v.currency === currency) out.cashback += balance;
      continue;
    }
    out.points += balance;
    if (v.costPerPoint === null || v.currency !== currency) out.unvaluedPoints += balance;
    else out.value += balance * v.costPerPoint;
  }
  out.value = Math.round(out.value);
  return out;
}

export type CohortRow = { cohort: string; members: number; retained: number[] };

const monthStart = (month: string, tz: string) => sql`(${`${month}-01`}::date::timestamp at time zone ${tz})`;

/**
 * Monthly cohorts: members by the month their card was made (local time), and for each month
 * since, how many of them visited in it. Month 0 is the joining month; `months` cohorts back
 * from this month, each followed up to this month. Finished months come from
 * insights_cohort_cells (counted once, when first asked for after the month ends); this month from
 * the daily aggregates (aggregates.ts) and today's ledger.
 */
export async function cohortRetention(ctx: Ctx, raw: { programId?: string; months?: number } = {}): Promise<{ months: number; rows: CohortRow[] }> {
  assertCan(ctx.actor, "reports:read");
  const { programId, months } = z.object({ programId: EntityId.optional(), months: z.int().min(1).max(24).default(6) }).parse(raw);
  const merchant = await merchantOf(ctx);
  const tz = merchant.timezone;
  const m = ctx.merchantId;
  const today = localDay(now(ctx), tz);
  const thisMonth = today.slice(0, 7);
  const firstMonth = addMonths(thisMonth, -(months - 1));
  const start = monthStart(firstMonth, tz);
  const cardProgram = programId ? sql`and c.program_id = ${programId}` : sql``;
  const aggregates = await ensureAggregates(ctx.db, m, now(ctx));
  await fillFinishedMonths(ctx.db, m, tz, firstMonth, thisMonth);
  const [sizes, stored, live] = await Promise.all([
    queryRows<{ cohort: string; n: number }>(
      ctx.db,
      sql`select to_char(c.created_at at time zone ${tz}, 'YYYY-MM') as cohort, count(*)::int as n
          from cards c where c.merchant_id = ${m} and c.created_at >= ${start} ${cardProgram}
          group by 1`,
    ),
    queryRows<{ cohort: string; month: string; n: number }>(
      ctx.db,
      sql`select cohort, month, sum(members)::int as n from insights_cohort_cells
          where merchant_id = ${m} and timezone = ${tz} and program_id <> '*' ${programId ? sql`and program_id = ${programId}` : sql``}
            and cohort >= ${firstMonth} and month >= ${firstMonth} and month < ${thisMonth}
          group by 1, 2`,
    ),
    thisMonthVisitors(ctx, aggregates, thisMonth, firstMonth, start, programId),
  ]);
  const size = new Map(sizes.map((s) => [s.cohort, Number(s.n)]));
  const cell = new Map([...stored.map((c) => [`${c.cohort}|${c.month}`, Number(c.n)] as const), ...live.map((c) => [`${c.cohort}|${thisMonth}`, Number(c.n)] as const)]);
  const rows: CohortRow[] = [];
  for (let i = 0; i < months; i++) {
    const cohort = addMonths(firstMonth, i);
    const retained: number[] = [];
    for (let k = 0; k < months - i; k++) retained.push(cell.get(`${cohort}|${addMonths(cohort, k)}`) ?? 0);
    rows.push({ cohort, members: size.get(cohort) ?? 0, retained });
  }
  return { months, rows };
}

/**
 * This month's cohort cells (joining month from `firstMonth`): the members counted on the month's
 * finished days at the refresh (insights_month_visitors), less the cards with rows today or
 * reversals since the refresh (few, in `recent`) counted there, plus those of them with a visit
 * in the month counted per card.
 */
async function thisMonthVisitors(ctx: Ctx, a: Aggregates, thisMonth: string, firstMonth: string, start: SQL, programId: string | undefined): Promise<{ cohort: string; n: number }[]> {
  const m = ctx.merchantId;
  const tz = a.timezone;
  const from = `${thisMonth}-01`;
  const stored = storedRange(a, { from, to: a.today }, { programId }, "d");
  const cohortOf = sql`to_char(c.created_at at time zone ${tz}, 'YYYY-MM')`;
  const cardProgram = programId ? sql`and c.program_id = ${programId}` : sql``;
  const rows = await queryRows<{ cohort: string; n: number }>(
    ctx.db,
    sql`with recent as materialized (${recentRows(a, { from, to: a.today }, { programId })}),
        touched as (select distinct card_id from recent)
        select cohort, sum(n)::int as n from (
          select cohort, members as n from insights_month_visitors
          where merchant_id = ${m} and timezone = ${tz} and month = ${thisMonth} and cohort >= ${firstMonth} ${programId ? sql`and program_id = ${programId}` : sql``}
          union all
          select ${cohortOf}, -count(*) from insights_card_days d join cards c on c.id = d.card_id
          where d.card_id in (select card_id from touched) and ${stored} and d.day_visits > 0 and (d.prev_day is null or d.prev_day < ${from}::date)
            and c.created_at >= ${start} ${cardProgram}
          group by 1
          union all
          select ${cohortOf}, count(*) from cards c join (
            select u.card_id from (
              select d.card_id, d.visits from insights_card_days d where d.card_id in (select card_id from touched) and ${stored}
              union all select card_id, visits from recent
            ) u group by u.card_id having sum(u.visits) > 0
          ) v on v.card_id = c.id
          where c.merchant_id = ${m} and c.created_at >= ${start} ${cardProgram}
          group by 1
        ) x group by cohort`,
  );
  return rows;
}

/**
 * Counts the finished months in [from, current) that are not stored yet: per program and joining
 * month, the members who visited in the month. A row with program '*' marks a month as counted.
 */
export async function fillFinishedMonths(db: Executor, merchantId: string, tz: string, from: string, current: string): Promise<void> {
  const done = await queryRows<{ month: string }>(
    db,
    sql`select month from insights_cohort_cells where merchant_id = ${merchantId} and timezone = ${tz} and program_id = '*' and month >= ${from} and month < ${current}`,
  );
  const have = new Set(done.map((d) => d.month));
  for (let month = from; month < current; month = addMonths(month, 1)) {
    if (have.has(month)) continue;
    await db.execute(sql`
      insert into insights_cohort_cells (merchant_id, timezone, program_id, cohort, month, members)
      select ${merchantId}, ${tz}, c.program_id, to_char(c.created_at at time zone ${tz}, 'YYYY-MM'), ${month}, count(*)::int
      from cards c join (
        select distinct e.card_id from ledger_entries e
        where e.merchant_id = ${merchantId} and e.kind = 'earn' and e.created_at >= ${monthStart(month, tz)} and e.created_at < ${monthStart(addMonths(month, 1), tz)}
          and e.id not in (${reversedSince(merchantId, monthStart(month, tz))})
      ) v on v.card_id = c.id
      where c.merchant_id = ${merchantId}
      group by c.program_id, 4
      union all select ${merchantId}, ${tz}, '*', '*', ${month}, 0
      on conflict do nothing`);
  }
}

export function addMonths(month: string, n: number): string {
  const [y, m] = month.split("-").map(Number) as [number, number];
  const total = y * 12 + (m - 1) + n;
  return `${Math.floor(total / 12)}-${String((total % 12) + 1).padStart(2, "0")}`;
}

export type LiabilityPoint = { day: string; points: number; value: number };

/**
 * Outstanding points at the end of each of the last `days` local days, and their worth at
 * today's cost per point: counted back from the balances now by each day's net ledger change
 * (finished days from insights_daily_net, today live).
 */
export async function liabilityTrend(ctx: Ctx, raw: { programId?: string; days?: number } = {}): Promise<LiabilityPoint[]> {
  assertCan(ctx.actor, "reports:read");
  const { programId, days } = z.object({ programId: EntityId.optional(), days: z.int().min(7).max(365).default(90) }).parse(raw);
  const merchant = await merchantOf(ctx);
  const tz = merchant.timezone;
  const m = ctx.merchantId;
  const today = localDay(now(ctx), tz);
  const first = addDays(today, -(days - 1));
  const values = await pointValues(ctx.db, m);
  await fillFinishedDays(ctx.db, m, tz, addDays(first, 1), today);
  const [balances, stored, live] = await Promise.all([
    balancesNow(ctx, programId),
    queryRows<{ program_id: string; day: string; net: number }>(
      ctx.db,
      sql`select program_id, to_char(day, 'YYYY-MM-DD') as day, net from insights_daily_net
          where merchant_id = ${m} and timezone = ${tz} and program_id <> '*' and day > ${first}::date and day < ${today}::date`,
    ),
    queryRows<{ program_id: string; net: number }>(
      ctx.db,
      // Today's entries are few: each card's program by its key (a join would hash every card).
      sql`select (select c.program_id from cards c where c.id = e.card_id) as program_id, sum(e.amount)::bigint as net from ledger_entries e
          where e.merchant_id = ${m} and e.created_at >= (${today}::date::timestamp at time zone ${tz}) group by 1`,
    ),
  ]);
  const pointPrograms = [...values.values()].filter((v) => v.kind !== "cashback" && (!programId || v.programId === programId));
  const held = new Map(balances.map((b) => [b.program_id, Number(b.balance)]));
  const net = new Map([...stored.map((c) => [`${c.program_id}|${c.day}`, Number(c.net)] as const), ...live.map((c) => [`${c.program_id}|${today}`, Number(c.net)] as const)]);
  const series: LiabilityPoint[] = [];
  for (let i = 0; i < days; i++) series.push({ day: addDays(today, -i), points: 0, value: 0 });
  for (const p of pointPrograms) {
    let running = held.get(p.programId) ?? 0;
    for (const point of series) {
      point.points += running;
      point.value += p.costPerPoint === null || p.currency !== merchant.currency ? 0 : running * p.costPerPoint;
      // The balance at the end of the day before is this day's end less what this day changed.
      running -= net.get(`${p.programId}|${point.day}`) ?? 0;
    }
  }
  return series.reverse().map((p) => ({ ...p, value: Math.round(p.value) }));
}

/**
 * Stores the net ledger change per program of the finished days in [from, today) not stored yet
 * (the ledger is append-only, so a finished day never changes). Program '*' marks a day as counted.
 */
export async function fillFinishedDays(db: Executor, merchantId: string, tz: string, from: string, today: string): Promise<void> {
  if (from >= today) return;
  const [gap] = await queryRows<{ from: string | null; to: string | null }>(
    db,
    sql`select to_char(min(d.day), 'YYYY-MM-DD') as "from", to_char(max(d.day), 'YYYY-MM-DD') as "to"
        from generate_series(${from}::date, ${today}::date - 1, interval '1 day') as d(day)
        where not exists (select 1 from insights_daily_net s where s.merchant_id = ${merchantId} and s.timezone = ${tz} and s.program_id = '*' and s.day = d.day::date)`,
  );
  if (!gap?.from || !gap.to) return;
  await db.execute(sql`
    insert into insights_daily_net (merchant_id, timezone, program_id, day, net)
    select ${merchantId}, ${tz}, c.program_id, (e.created_at at time zone ${tz})::date, sum(e.amount)::bigint
    from ledger_entries e join cards c on c.id = e.card_id
    where e.merchant_id = ${merchantId} and e.created_at >= (${gap.from}::date::timestamp at time zone ${tz}) and e.created_at < ((${gap.to}::date + 1)::timestamp at time zone ${tz})
    group by c.program_id, 4
    union all select ${merchantId}, ${tz}, '*', d.day::date, 0 from generate_series(${gap.from}::date, ${gap.to}::date, interval '1 day') as d(day)
    on conflict do nothing`);
}

export type ExpiryForecast = { next30: number; next90: number; value30: number; value90: number };

/** Points expected to expire in the next 30 and 90 days unless spent (lib/expiry/forecast.ts), and their worth. */
export async function expiryForecast(ctx: Ctx, raw: { programId?: string } = {}): Promise<ExpiryForecast> {
  assertCan(ctx.actor, "reports:read");
  const { programId } = z.object({ programId: EntityId.optional() }).parse(raw);
  const merchant = await merchantOf(ctx);
  const [values, due] = await Promise.all([pointValues(ctx.db, ctx.merchantId), pointsDueBy(ctx.db, ctx.merchantId, now(ctx), [30, 90], programId)]);
  const out: ExpiryForecast = { next30: 0, next90: 0, value30: 0, value90: 0 };
  for (const d of due) {
    const v = values.get(d.programId);
    if (!v || v.kind === "cashback") continue;
    const worth = v.costPerPoint !== null && v.currency === merchant.currency ? d.points * v.costPerPoint : 0;
    if (d.horizonDays === 30) {
      out.next30 += d.points;
      out.value30 += worth;
    } else {
      out.next90 += d.points;
      out.value90 += worth;
    }
  }
  return { ...out, value30: Math.round(out.value30), value90: Math.round(out.value90) };
}

export type InsightsOptions = { programs: { id: string; name: string; kind: string }[]; locations: { id: string; name: string }[]; cashiers: { id: string; name: string }[] };

/** What the filters offer: the merchant's programs, locations and team members. */
export async function insightsOptions(ctx: Ctx): Promise<InsightsOptions> {
  assertCan(ctx.actor, "reports:read");
  const m = ctx.merchantId;
  const [programs, locations, cashiers] = await Promise.all([
    queryRows<{ id: string; name: string; kind: string }>(ctx.db, sql`select id, name, kind from programs where merchant_id = ${m} order by created_at, id`),
    queryRows<{ id: string; name: string }>(ctx.db, sql`select id, name from locations where merchant_id = ${m} order by name, id`),
    queryRows<{ id: string; name: string }>(
      ctx.db,
      sql`select u.id, coalesce(nullif(u.name, ''), u.email, u.id) as name from memberships ms join users u on u.id = ms.user_id
          where ms.merchant_id = ${m} order by 2, 1`,
    ),
  ]);
  return { programs, locations, cashiers };
}
