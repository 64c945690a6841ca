import { sql, type SQL } from "drizzle-orm";
import { queryRows, type Executor } from "../../db/client";
import { localDay, ranges } from "./metrics";

/*
 * Daily aggregates for the Insights page (insights_card_days): per card and finished local day,
 * and per location and cashier within it, what the money metrics and cohorts add up. An entry's
 * contribution (entryRows below):
 *   visits     1 for an earn,
 *   purchases  1 for an earn whose purchase is in the merchant's currency, revenue its amount,
 *   issued     a positive earn or bonus, redeemed −redeem, expired −expire.
 * Entries reversed by a reversal are left out (the ledger's rule: a reversed earn is no visit).
 *
 * A read adds three parts, each entry in exactly one (cardDayRows):
 *   stored      finished days (before today), as of ledger seq S: reversals up to S applied;
 *   live        today's entries from the ledger, without any reversed one;
 *   correction  minus each entry of a finished day reversed by a reversal after S.
 * The refresh (ensureAggregates: the hourly job, or the day's first read) adds the days that
 * finished since, recounts the card-days whose entries were reversed since, and moves S.
 * insights_day_totals holds the stored rows' sums per day, program, location and cashier
 * (recounted for every day the refresh wrote), for the sums of a range; the per-card rows are
 * read only for visitors and repeat visitors. The refresh also counts, from the stored rows, the
 * visitors and repeat visitors of the default ranges (insights_range_counts) and this month's
 * visitors per joining month (insights_month_visitors); a read takes those, less what the cards
 * with live or correction rows (few) counted there, plus those cards counted one by one. The
 * same numbers as counting the ledger live, which tests/integration/insights-aggregates.test.ts checks.
 */

export type Aggregates = { merchantId: string; timezone: string; currency: string; today: string; reversalsSeq: number };

const COUNTED = sql`e.kind in ('earn', 'bonus', 'redeem', 'expire')`;

/** The start of a local day, as a timestamptz. */
export const dayStart = (day: string, tz: string) => sql`(${day}::date::timestamp at time zone ${tz})`;

/**
 * Each counted entry as a row of insights_card_days' columns, times `sign`. Needs aliases e
 * (ledger_entries) and c (its card).
 */
function contribution(tz: string, currency: string, sign: 1 | -1, program: SQL = sql`c.program_id`): SQL {
  const s = sql.raw(String(sign));
  const bought = sql`(e.kind = 'earn' and coalesce(e.details->'purchase'->>'currency' = ${currency}, false))`;
  return sql`(e.created_at at time zone ${tz})::date as day, e.card_id, ${program} as program_id,
    coalesce(e.location_id, '') as location_id,
    case when e.actor_type = 'user' then coalesce(e.actor_id, '') else '' end as cashier_id,
    ${s} * (e.kind = 'earn')::int as visits,
    ${s} * ${bought}::int as purchases,
    ${s} * case when ${bought} then (e.details->'purchase'->>'amount')::bigint else 0 end as revenue,
    ${s} * case when e.kind in ('earn', 'bonus') and e.amount > 0 then e.amount else 0 end::bigint as issued,
    ${s} * case when e.kind = 'redeem' then -e.amount else 0 end::bigint as redeemed,
    ${s} * case when e.kind = 'expire' then -e.amount else 0 end::bigint as expired`;
}

const SUMS = sql`sum(visits)::int as visits, sum(purchases)::int as purchases, sum(revenue)::bigint as revenue, sum(issued)::bigint as issued, sum(redeemed)::bigint as redeemed, sum(expired)::bigint as expired`;
const COLUMNS = sql`merchant_id, timezone, day, card_id, program_id, location_id, cashier_id, visits, purchases, revenue, issued, redeemed, expired`;

/** Optional narrowing of the rows (cardDayRows): by program, location or cashier. */
export type RowFilter = { programId?: string; locationId?: string; cashierId?: string };

function filterSql(f: RowFilter, alias: string): SQL {
  const a = sql.raw(alias);
  const parts: SQL[] = [];
  if (f.programId) parts.push(sql`and ${a}.program_id = ${f.programId}`);
  if (f.locationId) parts.push(sql`and ${a}.location_id = ${f.locationId}`);
  if (f.cashierId) parts.push(sql`and ${a}.cashier_id = ${f.cashierId}`);
  return sql.join(parts, sql` `);
}

const NO_ROWS = sql`select null::date as day, null::text as card_id, null::text as program_id, null::text as location_id, null::text as cashier_id, 0 as visits, 0 as purchases, 0::bigint as revenue, 0::bigint as issued, 0::bigint as redeemed, 0::bigint as expired where false`;

/**
 * The rows (day, card_id, program_id, location_id, cashier_id, visits, purchases, revenue, issued,
 * redeemed, expired) of the local days from `from` to `to` (included): stored, live and
 * correction parts (see above). Several rows may share a card and day: sum them.
 */
export function cardDayRows(a: Aggregates, range: { from: string; to: string }, filter: RowFilter = {}): SQL {
  const parts: SQL[] = [];
  if (range.from < a.today) {
    parts.push(sql`select day, card_id, program_id, location_id, cashier_id, visits, purchases, revenue, issued, redeemed, expired
      from insights_card_days d where d.merchant_id = ${a.merchantId} and d.timezone = ${a.timezone} and d.day >= ${range.from}::date and d.day <= ${range.to}::date and d.day < ${a.today}::date ${filterSql(filter, "d")}`);
  }
  parts.push(recentRows(a, range, filter));
  return sql.join(parts, sql` union all `);
}

/** The stored rows' condition for the local days from `from` to `to` (included) before today, on alias `alias`. */
export function storedRange(a: Aggregates, range: { from: string; to: string }, filter: RowFilter, alias: string): SQL {
  const d = sql.raw(alias);
  return sql`${d}.merchant_id = ${a.merchantId} and ${d}.timezone = ${a.timezone} and ${d}.day >= ${range.from}::date and ${d}.day <= ${range.to}::date and ${d}.day < ${a.today}::date ${filterSql(filter, alias)}`;
}

/**
 * The stored part of cardDayRows summed per day, program, location and cashier (insights_day_totals):
 * rows (day, program_id, visits, purchases, revenue, issued, redeemed, expired). Add the live and
 * correction parts (recentRows) for the range's sums.
 */
export function dayTotalRows(a: Aggregates, range: { from: string; to: string }, filter: RowFilter = {}): SQL {
  return sql`select day, program_id, visits, purchases, revenue, issued, redeemed, expired from insights_day_totals t where ${storedRange(a, range, filter, "t")}`;
}

/** The live and correction parts of cardDayRows: what the stored rows of the range lack. */
export function recentRows(a: Aggregates, range: { from: string; to: string }, filter: RowFilter = {}): SQL {
  const { merchantId: m, timezone: tz, currency, today } = a;
  const start = dayStart(range.from, tz);
  const end = sql`((${range.to}::date + 1)::timestamp at time zone ${tz})`;
  const todayStart = dayStart(today, tz);
  // A day's entries are few: each card's program by its key (a join would sort every card).
  const programOf = sql`(select c.program_id from cards c where c.id = e.card_id)`;
  const parts: SQL[] = [];
  if (range.from < today) {
    parts.push(sql`select * from (select ${contribution(tz, currency, -1, programOf)}
      from ledger_entries r join ledger_entries e on e.id = r.reverses_entry_id
      where r.merchant_id = ${m} and r.kind = 'reverse' and r.seq > ${a.reversalsSeq}
        and e.created_at >= ${start} and e.created_at < ${end} and e.created_at < ${todayStart} and ${COUNTED}) x where true ${filterSql(filter, "x")}`);
  }
  if (range.to >= today) {
    parts.push(sql`select * from (select ${contribution(tz, currency, 1, programOf)}
      from ledger_entries e
      where e.merchant_id = ${m} and e.created_at >= ${todayStart} and e.created_at >= ${start} and e.created_at < ${end} and ${COUNTED}
        and not exists (select 1 from ledger_entries r where r.reverses_entry_id = e.id)) x where true ${filterSql(filter, "x")}`);
  }
  return parts.length === 0 ? NO_ROWS : sql.join(parts, sql` union all `);
}

/**
 * Sets day_visits, prev_day, prev2_day and prev_visits (see db/schema/dashboard.ts) on the rows of the cards
 * `cards` selects (a query of card ids), from their stored rows; writes only rows that change.
 */
function rechain(merchantId: string, tz: string, cards: SQL): SQL {
  return sql`
    with rows as (
      select ctid as row_id, card_id, day,
             row_number() over (partition by card_id, day order by location_id, cashier_id) as rn,
             sum(visits) over (partition by card_id, day) as dv
      from insights_card_days where merchant_id = ${merchantId} and timezone = ${tz} and card_id in (${cards})
    ), wanted as (
      select row_id, case when rn = 1 and dv > 0 then dv else 0 end::int as dv,
             case when rn = 1 and dv > 0 then lag(day) over w end as p1, case when rn = 1 and dv > 0 then lag(day, 2) over w end as p2,
             case when rn = 1 and dv > 0 then lag(dv) over w end::int as pv
      from rows window w as (partition by card_id, (rn = 1 and dv > 0) order by day)
    )
    update insights_card_days d set day_visits = w.dv, prev_day = w.p1, prev2_day = w.p2, prev_visits = w.pv
    from wanted w
    where d.ctid = w.row_id and (d.day_visits, d.prev_day, d.prev2_day, d.prev_visits) is distinct from (w.dv, w.p1, w.p2, w.pv)`;
}

/**
 * The stored rows of the counted entries `where` selects, grouped per card-day, location and
 * cashier, with their visit chains (see rechain) computed as they are written.
 */
function insertRows(merchantId: string, tz: string, currency: string, seq: number, where: SQL): SQL {
  const reversedByNow = sql`not exists (select 1 from ledger_entries r where r.reverses_entry_id = e.id and r.seq <= ${seq})`;
  return sql`
    insert into insights_card_days (${COLUMNS}, day_visits, prev_day, prev2_day, prev_visits)
    select ${merchantId}, ${tz}, day, card_id, program_id, location_id, cashier_id, visits, purchases, revenue, issued, redeemed, expired,
           case when rn = 1 and dv > 0 then dv else 0 end,
           case when rn = 1 and dv > 0 then lag(day) over w end, case when rn = 1 and dv > 0 then lag(day, 2) over w end,
           case when rn = 1 and dv > 0 then lag(dv) over w end
    from (
      select g.*, row_number() over (partition by card_id, day order by location_id, cashier_id) as rn, sum(visits) over (partition by card_id, day) as dv
      from (
        select day, card_id, program_id, location_id, cashier_id, ${SUMS}
        from (select ${contribution(tz, currency, 1)} from ledger_entries e join cards c on c.id = e.card_id
              where e.merchant_id = ${merchantId} and ${COUNTED} and ${reversedByNow} and ${where}) x
        group by day, card_id, program_id, location_id, cashier_id
      ) g
    ) r
    window w as (partition by card_id, (rn = 1 and dv > 0) order by day)
    -- Written in day order, so a range of days reads few pages.
    order by day`;
}

/**
 * Recounts insights_day_totals of the days `days` selects (a query of dates; all the merchant's
 * days when null) from the stored rows, so both always add up to the same.
 */
async function retotal(tx: Executor, merchantId: string, tz: string, days: SQL | null): Promise<void> {
  const which = days ? sql`and day in (${days})` : sql``;
  await tx.execute(sql`delete from insights_day_totals where merchant_id = ${merchantId} ${days ? sql`and timezone = ${tz} ${which}` : sql``}`);
  await tx.execute(sql`
    insert into insights_day_totals (merchant_id, timezone, day, program_id, location_id, cashier_id, visits, purchases, revenue, issued, redeemed, expired)
    select ${merchantId}, ${tz}, day, program_id, location_id, cashier_id, sum(visits), sum(purchases), sum(revenue), sum(issued), sum(redeemed), sum(expired)
    from insights_card_days where merchant_id = ${merchantId} and timezone = ${tz} ${which}
    group by day, program_id, location_id, cashier_id`);
}

/**
 * Recounts insights_month_visitors: the members with a visit on the finished days of `today`'s
 * month, per program and joining month (a card's first visit day there, from the visit chains).
 */
async function recountMonth(tx: Executor, merchantId: string, tz: string, today: string): Promise<void> {
  const month = today.slice(0, 7);
  await tx.execute(sql`delete from insights_month_visitors where merchant_id = ${merchantId}`);
  await tx.execute(sql`
    insert into insights_month_visitors (merchant_id, timezone, month, program_id, cohort, members)
    select ${merchantId}, ${tz}, ${month}, c.program_id, to_char(c.created_at at time zone ${tz}, 'YYYY-MM'), count(*)::int
    from insights_card_days d join cards c on c.id = d.card_id
    where d.merchant_id = ${merchantId} and d.timezone = ${tz} and d.day >= ${`${month}-01`}::date and d.day < ${today}::date
      and d.day_visits > 0 and (d.prev_day is null or d.prev_day < ${`${month}-01`}::date)
    group by c.program_id, 5`);
}

/**
 * Visitors and repeat visitors of a range (from `prevFrom`, the range before, to the end of the
 * current one from `curFrom`) counted row by row from the stored rows' visit chains, grouped by
 * `cur` (and `by`): a card visited in a range starting on day L on its first visit day there (a
 * day with visits whose visit day before is before L), and came again if that day had two visits
 * or, when it had one, if its next visit day is in the range too (a visit day whose previous one
 * is on or after L with one visit, and the one before that is not). `where` selects the rows of d.
 */
export function chainCounts(where: SQL, curFrom: string, prevFrom: string, by: SQL = sql``): SQL {
  const first = sql`(d.prev_day is null or d.prev_day < d.lo)`;
  return sql`select d.cur ${by},
      count(*) filter (where ${first}) as visitors,
      count(*) filter (where (${first} and d.day_visits >= 2) or (d.prev_day >= d.lo and d.prev_visits = 1 and (d.prev2_day is null or d.prev2_day < d.lo))) as repeaters
    from (select d.card_id, d.program_id, d.day_visits, d.prev_day, d.prev_visits, d.prev2_day, d.day >= ${curFrom}::date as cur,
                 case when d.day >= ${curFrom}::date then ${curFrom}::date else ${prevFrom}::date end as lo
          from insights_card_days d where ${where} and d.day_visits > 0) d
    group by d.cur ${by}`;
}

/** The default ranges' counts (insights_range_counts) for `today`, from the stored rows. */
async function recountRanges(tx: Executor, merchantId: string, tz: string, today: string): Promise<void> {
  const { current, previous } = ranges({}, today);
  const where = sql`d.merchant_id = ${merchantId} and d.timezone = ${tz} and d.day >= ${previous.from}::date and d.day < ${today}::date`;
  await tx.execute(sql`delete from insights_range_counts where merchant_id = ${merchantId}`);
  await tx.execute(sql`
    insert into insights_range_counts (merchant_id, timezone, day, program_id, current, visitors, repeaters)
    select ${merchantId}, ${tz}, ${today}::date, program_id, cur, visitors, repeaters
    from (${chainCounts(where, current.from, previous.from, sql`, d.program_id`)}) c`);
}

type State = { timezone: string; currency: string; today: string; stored_tz: string | null; stored_currency: string | null; through: string | null; seq: number | string | null };

async function readState(db: Executor, merchantId: string, at: Date): Promise<State> {
  const [row] = await queryRows<Omit<State, "today">>(
    db,
    sql`select m.timezone, m.currency, a.timezone as stored_tz, a.currency as stored_currency, to_char(a.through_day, 'YYYY-MM-DD') as through, a.reversals_seq as seq
        from merchants m left join insights_aggregates a on a.merchant_id = m.id where m.id = ${merchantId}`,
  );
  if (!row) throw new Error(`no merchant ${merchantId}`);
  return { ...row, today: localDay(at, row.timezone) };
}

const current = (s: State) => s.through === s.today && s.stored_tz === s.timezone && s.stored_currency === s.currency && s.seq !== null;

/**
 * The merchant's aggregates, brought up to today (local time at `at`) first if they are behind:
 * one merchant at a time (an advisory lock), so two first reads of a day do the work once.
 */
export async function ensureAggregates(db: Executor, merchantId: string, at: Date): Promise<Aggregates> {
  const s = await readState(db, merchantId, at);
  if (current(s)) return { merchantId, timezone: s.timezone, currency: s.currency, today: s.today, reversalsSeq: Number(s.seq) };
  return refreshAggregates(db, merchantId, at);
}

/** Adds the finished days missing, recounts the card-days with entries reversed since the last refresh, moves the seq mark. */
export async function refreshAggregates(db: Executor, merchantId: string, at: Date): Promise<Aggregates> {
  return (db as Executor & { transaction: <T>(fn: (tx: Executor) => Promise<T>) => Promise<T> }).transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`insights-aggregates:${merchantId}`}))`);
    const s = await readState(tx, merchantId, at);
    const out = { merchantId, timezone: s.timezone, currency: s.currency, today: s.today };
    if (current(s)) return { ...out, reversalsSeq: Number(s.seq) };
    const { timezone: tz, currency, today } = s;
    // Entries reversed by a reversal up to this seq are left out; later ones are the read's correction.
    const [mark] = await queryRows<{ seq: number | string | null }>(tx, sql`select max(seq) as seq from ledger_entries where merchant_id = ${merchantId}`);
    const seq = Number(mark?.seq ?? 0);
    const reversedByNow = sql`not exists (select 1 from ledger_entries r where r.reverses_entry_id = e.id and r.seq <= ${seq})`;
    // A new time zone or currency changes every day's numbers; a clock set back (tests) would count today twice.
    const rebuild = s.through === null || s.seq === null || s.stored_tz !== tz || s.stored_currency !== currency || s.through > today;
    const insert = (where: SQL) => insertRows(merchantId, tz, currency, seq, where);

    if (rebuild) {
      await tx.execute(sql`delete from insights_card_days where merchant_id = ${merchantId}`);
      await tx.execute(insert(sql`e.created_at < ${dayStart(today, tz)}`));
      await retotal(tx, merchantId, tz, null);
      // Fresh statistics, or the planner takes the tables for empty until autovacuum comes by.
      await tx.execute(sql`analyze insights_card_days`);
      await tx.execute(sql`analyze insights_day_totals`);
    } else if (s.through! < today) {
      const through = s.through!;
      // Card-days of finished days with an entry reversed since the last refresh (or the day
      // before it, for a reversal that committed late), recounted whole.
      const affected = sql`(select distinct (e.created_at at time zone ${tz})::date as day, e.card_id
        from ledger_entries r join ledger_entries e on e.id = r.reverses_entry_id
        where r.merchant_id = ${merchantId} and r.kind = 'reverse' and (r.seq > ${Number(s.seq)} or r.created_at >= ${dayStart(through, tz)} - interval '1 day')
          and e.created_at < ${dayStart(through, tz)})`;
      const fresh = sql`select distinct card_id from insights_card_days where merchant_id = ${merchantId} and timezone = ${tz} and day >= ${through}::date`;
      const stale = await queryRows<{ day: string; card_id: string }>(tx, sql`select to_char(day, 'YYYY-MM-DD') as day, card_id from ${affected} a`);
      if (stale.length > 0) {
        const keys = sql`(select * from json_to_recordset(${JSON.stringify(stale)}::json) as k(day date, card_id text))`;
        await tx.execute(sql`delete from insights_card_days d using ${keys} k
          where d.merchant_id = ${merchantId} and d.timezone = ${tz} and d.day = k.day and d.card_id = k.card_id`);
        await tx.execute(sql`
          insert into insights_card_days (${COLUMNS})
          select ${merchantId}, ${tz}, day, card_id, program_id, location_id, cashier_id, ${SUMS}
          from (select ${contribution(tz, currency, 1)} from ${keys} k join ledger_entries e on e.card_id = k.card_id
                  and e.created_at >= (k.day::timestamp at time zone ${tz}) and e.created_at < ((k.day + 1)::timestamp at time zone ${tz})
                join cards c on c.id = e.card_id
                where e.merchant_id = ${merchantId} and ${COUNTED} and ${reversedByNow}) x
          group by day, card_id, program_id, location_id, cashier_id`);
      }
      await tx.execute(insert(sql`e.created_at >= ${dayStart(through, tz)} and e.created_at < ${dayStart(today, tz)}`));
      // The new and recounted rows' visit chains reach back into the cards' earlier days.
      const recounted = stale.length > 0 ? sql` union select k.card_id from json_to_recordset(${JSON.stringify(stale)}::json) as k(day date, card_id text)` : sql``;
      await tx.execute(rechain(merchantId, tz, sql`${fresh}${recounted}`));
      const staleDays = stale.length > 0 ? sql` union select k.day from json_to_recordset(${JSON.stringify(stale)}::json) as k(day date, card_id text)` : sql``;
      await retotal(tx, merchantId, tz, sql`select d::date from generate_series(${through}::date, ${today}::date - 1, interval '1 day') d${staleDays}`);
    }
    await recountMonth(tx, merchantId, tz, today);
    await recountRanges(tx, merchantId, tz, today);
    await tx.execute(sql`
      insert into insights_aggregates (merchant_id, timezone, currency, through_day, reversals_seq) values (${merchantId}, ${tz}, ${currency}, ${today}::date, ${seq})
      on conflict (merchant_id) do update set timezone = excluded.timezone, currency = excluded.currency, through_day = excluded.through_day,
        reversals_seq = excluded.reversals_seq, created_at = now()`);
    return { ...out, reversalsSeq: seq };
  });
}
