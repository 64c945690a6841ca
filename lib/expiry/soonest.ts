import { sql } from "drizzle-orm";
import { queryRows, type Executor } from "../../db/client";
import type { Card, Merchant, Program } from "../../db/schema";
import { inactivityDeadline } from "./policy";

/** The next points to lapse on a card: how many, and when (the first moment of the lapse). */
export type SoonestExpiry = { points: number; at: Date };

/**
 * The points that expire next on a card: the open lots of the soonest expiry day (in the
 * merchant's time zone, as the reminders count them) added up, or, under an inactivity policy,
 * the whole balance at the inactivity deadline, whichever comes first. Null when nothing is due.
 */
export async function soonestExpiry(
  db: Executor,
  card: Pick<Card, "id" | "balance" | "status" | "lastActivityAt">,
  program: Pick<Program, "kind" | "expiry">,
  merchant: Pick<Merchant, "timezone">,
  now: Date,
): Promise<SoonestExpiry | null> {
  if (card.status !== "active" || program.kind !== "points" || card.balance <= 0) return null;
  const deadline = inactivityDeadline(program.expiry, card.lastActivityAt);
  if (deadline) return deadline.getTime() > now.getTime() ? { points: card.balance, at: deadline } : null;
  const [row] = await queryRows<{ at: Date | string | null; points: number | null }>(
    db,
    sql`
    with open as (
      select expires_at, remaining, to_char(expires_at at time zone ${merchant.timezone}, 'YYYY-MM-DD') as day
      from point_lots where card_id = ${card.id} and remaining > 0 and expires_at > ${now.toISOString()}::timestamptz
    ), first as (select day from open order by expires_at limit 1)
    select min(expires_at) as at, sum(remaining)::int as points from open where day = (select day from first)`,
  );
  if (!row?.at || !row.points) return null;
  return { points: Math.min(row.points, card.balance), at: new Date(row.at) };
}
