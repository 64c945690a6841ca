import { sql } from "drizzle-orm";
import { queryRows, type Executor } from "../../db/client";
import { fitBgNbd, expectedVisits, probabilityAlive, type BgNbdParams } from "./bgnbd";
import { scoredMembersSql } from "./rfm";
import { refreshAggregates } from "./aggregates";
import { fillFinishedMonths, fillFinishedDays, localDay, addDays, addMonths } from "./metrics";

/*
 * The insights snapshot of a merchant, made once a local day (jobs/insights-refresh.ts at night, or
 * the day's first view of the Insights page, whichever comes first): every member's RFM scores with
 * P(alive) and expected visits (insights_member_scores), the churn model of each program
 * (insights_model_fits), the finished months and days the cohort heat map and the liability
 * trend read (insights_cohort_cells, insights_daily_net), and the daily aggregates of the money
 * metrics and this month's cohort cells (insights_card_days, insights_day_totals, insights_range_counts,
 * insights_month_visitors: aggregates.ts). The page then reads stored tables and today's ledger.
 * The scores are as of the moment the snapshot was made: a visit after it moves them the next day.
 */

const WEEK = 7 * 86_400_000;
/** The fit reads at most this many members (the first by card id: ids are random, so a random sample). */
const FIT_SAMPLE = 5000;

export type Snapshot = { day: string; asOf: Date };

/** The merchant's snapshot for today (local), made now if there is none yet. */
export async function ensureSnapshot(db: Executor, merchantId: string, at: Date): Promise<Snapshot> {
  const [m] = await queryRows<{ timezone: string; day: string | null; as_of: Date | string | null; stored_tz: string | null }>(
    db,
    sql`select m.timezone, to_char(r.day, 'YYYY-MM-DD') as day, r.as_of, r.timezone as stored_tz
        from merchants m left join insights_refreshes r on r.merchant_id = m.id where m.id = ${merchantId}`,
  );
  if (!m) throw new Error(`no merchant ${merchantId}`);
  const today = localDay(at, m.timezone);
  if (m.day === today && m.stored_tz === m.timezone && m.as_of) return { day: today, asOf: new Date(m.as_of) };
  return refreshInsightsStats(db, merchantId, at);
}

/**
 * Makes the merchant's snapshot for the local day of `at`: scores every member of every program as
 * of `at`, fits each program's churn model, and stores what finished months and days
 * are missing. One merchant at a time (an advisory lock), so two first views do it once.
 */
export async function refreshInsightsStats(db: Executor, merchantId: string, at: Date): Promise<Snapshot> {
  return (db as Executor & { transaction: <T>(fn: (tx: Executor) => Promise<T>) => Promise<T> }).transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`insights:${merchantId}`}))`);
    const [m] = await queryRows<{ timezone: string; day: string | null; as_of: Date | string | null; stored_tz: string | null }>(
      tx,
      sql`select m.timezone, to_char(r.day, 'YYYY-MM-DD') as day, r.as_of, r.timezone as stored_tz
          from merchants m left join insights_refreshes r on r.merchant_id = m.id where m.id = ${merchantId}`,
    );
    if (!m) throw new Error(`no merchant ${merchantId}`);
    const tz = m.timezone;
    const day = localDay(at, tz);
    if (m.day === day && m.stored_tz === tz && m.as_of) return { day, asOf: new Date(m.as_of) };
    const asOf = at;

    await tx.execute(sql`delete from insights_member_scores where merchant_id = ${merchantId}`);
    await tx.execute(sql`delete from insights_group_stats where merchant_id = ${merchantId}`);
    const programs = await queryRows<{ id: string }>(tx, sql`select id from programs where merchant_id = ${merchantId} order by id`);
    for (const { id: programId } of programs) {
      await tx.execute(sql`
        insert into insights_member_scores (card_id, merchant_id, program_id, customer_id, first_visit_at, last_visit_at, visits, spend, monetary, r, f, m, grp)
        select s.card_id, ${merchantId}, ${programId}, s.customer_id, s.first_visit, s.last_visit, s.visits, s.spend, s.monetary, s.r, s.f, s.m_score, s.grp
        from ${scoredMembersSql(programId, asOf)} s`);
      const model = await fitProgram(tx, merchantId, programId, day, asOf);
      if (model) await estimate(tx, programId, model, asOf);
      await tx.execute(sql`
        insert into insights_group_stats (merchant_id, program_id, grp, members, avg_last_visit, avg_visits, avg_monetary, expected_90, spenders)
        select ${merchantId}, ${programId}, grp, count(*)::int, avg(extract(epoch from last_visit_at))::float8, avg(visits)::float8, avg(monetary)::float8,
               sum(expected_90)::float8, bool_or(spend > 0)
        from insights_member_scores where merchant_id = ${merchantId} and program_id = ${programId} group by grp
        union all
        select ${merchantId}, ${programId}, '*',
               (select count(*) from cards where program_id = ${programId} and status = 'active' and created_at < ${asOf.toISOString()}::timestamptz)::int, 0, 0, 0, null,
               exists (select 1 from insights_member_scores where merchant_id = ${merchantId} and program_id = ${programId} and spend > 0)`);
    }
    await fillFinishedMonths(tx, merchantId, tz, addMonths(day.slice(0, 7), -12), day.slice(0, 7));
    await fillFinishedDays(tx, merchantId, tz, addDays(day, -365), day);
    await refreshAggregates(tx, merchantId, at);
    await tx.execute(sql`
      insert into insights_refreshes (merchant_id, timezone, day, as_of) values (${merchantId}, ${tz}, ${day}::date, ${asOf.toISOString()}::timestamptz)
      on conflict (merchant_id) do update set timezone = excluded.timezone, day = excluded.day, as_of = excluded.as_of, created_at = now()`);
    return { day, asOf };
  });
}

/** Fits (or reads today's) BG/NBD model of the program from its scored members. Time in weeks. */
async function fitProgram(db: Executor, merchantId: string, programId: string, day: string, asOf: Date): Promise<BgNbdParams | null> {
  const [stored] = await queryRows<{ r: number; alpha: number; a: number; b: number }>(
    db,
    sql`select r, alpha, a, b from insights_model_fits where merchant_id = ${merchantId} and program_id = ${programId} and day = ${day}::date`,
  );
  if (stored) return { r: Number(stored.r), alpha: Number(stored.alpha), a: Number(stored.a), b: Number(stored.b) };
  const rows = await queryRows<{ visits: number; tx: number; t: number }>(
    db,
    sql`select visits, extract(epoch from (last_visit_at - first_visit_at))::float8 as tx, extract(epoch from (${asOf.toISOString()}::timestamptz - first_visit_at))::float8 as t
        from insights_member_scores where program_id = ${programId} order by card_id limit ${FIT_SAMPLE}::int`,
  );
  // Whole days, so members with the same history share one likelihood term.
  const weeks = (seconds: number) => Math.round(Number(seconds) / 86_400) / 7;
  const histories = rows.map((r) => ({ x: Number(r.visits) - 1, tx: weeks(r.tx), T: weeks(r.t) }));
  // A model needs time to see members come back or not: at least ten members known for a week.
  if (histories.filter((h) => h.T >= 1).length < 10) return null;
  const fit = fitBgNbd(histories);
  if (!fit) return null;
  await db.execute(sql`
    insert into insights_model_fits (merchant_id, program_id, day, r, alpha, a, b, members, log_likelihood)
    values (${merchantId}, ${programId}, ${day}::date, ${fit.r}, ${fit.alpha}, ${fit.a}, ${fit.b}, ${fit.members}, ${fit.logLikelihood})
    on conflict do nothing`);
  return fit;
}

/** P(alive) and expected visits in the next 90 days for every scored member of the program, written in batches. */
async function estimate(db: Executor, programId: string, model: BgNbdParams, asOf: Date): Promise<void> {
  const rows = await queryRows<{ card_id: string; visits: number; first: Date | string; last: Date | string }>(
    db,
    sql`select card_id, visits, first_visit_at as first, last_visit_at as last from insights_member_scores where program_id = ${programId}`,
  );
  const BATCH = 5000;
  for (let i = 0; i < rows.length; i += BATCH) {
    const ids: string[] = [];
    const alive: number[] = [];
    const expected: number[] = [];
    for (const r of rows.slice(i, i + BATCH)) {
      const first = new Date(r.first).getTime();
      const h = { x: Number(r.visits) - 1, tx: (new Date(r.last).getTime() - first) / WEEK, T: (asOf.getTime() - first) / WEEK };
      ids.push(r.card_id);
      alive.push(probabilityAlive(model, h));
      expected.push(expectedVisits(model, h, 90 / 7));
    }
    // Arrays as JSON text: the same statement works on postgres.js and PGlite.
    await db.execute(sql`
      update insights_member_scores s set p_alive = u.p, expected_90 = u.e
      from (select * from json_to_recordset(${JSON.stringify(ids.map((id, k) => ({ id, p: alive[k], e: expected[k] })))}::json) as x(id text, p float8, e float8)) u
      where s.card_id = u.id`);
  }
}

/**
 * The job's pass: makes today's snapshot for up to `limit` merchants (with a program) whose last
 * one is for an earlier local day, so most merchants find it made when they first look.
 */
export async function refreshDueSnapshots(db: Executor, at: Date, limit = 50): Promise<{ merchants: number; left: number }> {
  const due = await queryRows<{ id: string }>(
    db,
    sql`select m.id from merchants m left join insights_refreshes r on r.merchant_id = m.id
        where exists (select 1 from programs p where p.merchant_id = m.id)
          and (r.day is null or r.timezone <> m.timezone or r.day < (${at.toISOString()}::timestamptz at time zone m.timezone)::date)
        order by r.day nulls first, m.id limit ${limit + 1}::int`,
  );
  const now = due.slice(0, limit);
  for (const m of now) await refreshInsightsStats(db, m.id, at);
  return { merchants: now.length, left: due.length - now.length };
}
