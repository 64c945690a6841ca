import { sql } from "drizzle-orm";
import { queryRows, type Executor } from "../../db/client";

/**
 * Points that will lapse between now and each horizon, per program, if nobody spends them first:
 * open lots whose date falls before the horizon (lots already past it that the hourly job has not
 * closed yet count too: they go at its next pass), and, under an inactivity policy
 * (policy.ts, `inactivityDeadline`), the whole balance of cards whose deadline falls before it.
 * The same conditions as the expiry job's (due.ts), moved to a later moment.
 */
export async function pointsDueBy(
  db: Executor,
  merchantId: string,
  at: Date,
  horizonsDays: number[],
  programId?: string,
): Promise<{ programId: string; horizonDays: number; points: number }[]> {
  if (horizonsDays.length === 0) return [];
  const horizons = sql.join(
    horizonsDays.map((d) => sql`(${d}::int)`),
    sql`, `,
  );
  const program = programId ? sql`and c.program_id = ${programId}` : sql``;
  const rows = await queryRows<{ program_id: string; days: number; points: number }>(
    db,
    sql`with h(days) as (values ${horizons}),
        lots as (
          -- The lots due by the last horizon are few next to the cards: each one's card by its key,
          -- once (offset 0 keeps the lookup per lot; a join would hash every card).
          select x.program_id, h.days, sum(x.remaining)::bigint as points
          from h join (
            select l.expires_at, l.remaining, (select c.program_id from cards c where c.id = l.card_id and c.status = 'active' ${program}) as program_id
            from point_lots l
            where l.merchant_id = ${merchantId} and l.expires_at <= ${at.toISOString()}::timestamptz + make_interval(days => ${Math.max(...horizonsDays)}::int)
            offset 0
          ) x on x.expires_at <= ${at.toISOString()}::timestamptz + make_interval(days => h.days)
          where x.program_id is not null
          group by x.program_id, h.days
        ),
        idle as (
          select c.program_id, h.days, sum(c.balance)::bigint as points
          from h cross join cards c join programs p on p.id = c.program_id
          where c.merchant_id = ${merchantId} and p.kind = 'points' and p.expiry->>'kind' = 'inactivity' and c.balance > 0 and c.status = 'active' ${program}
            and c.last_activity_at + make_interval(days => (p.expiry->>'days')::int) <= ${at.toISOString()}::timestamptz + make_interval(days => h.days)
          group by c.program_id, h.days
        )
        select program_id, days, sum(points)::bigint as points from (select * from lots union all select * from idle) u group by program_id, days`,
  );
  return rows.map((r) => ({ programId: r.program_id, horizonDays: Number(r.days), points: Number(r.points) }));
}
