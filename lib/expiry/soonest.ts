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
      from point_lots where card_id = ${card.id} and expires_at > ${now.toISOString()}::timestamptz
    ), first as (select day from open order by expires_at limit 1)
    select min(expires_at) as at, sum(remaining)::int as points from open where day = (select day from first)`,
  );
  if (!row?.at || !row.points) return null;
  return { points: Math.min(row.points, card.balance), at: new Date(row.at) };
}

/**
 * soonestExpiry for many cards at once (a batch of wallet syncs): one query per merchant time zone
 * for the cards whose lots are counted, the others decided without a query. By card id; cards with
 * nothing due are left out.
 */
export async function soonestExpiries(
  db: Executor,
  items: { card: Pick<Card, "id" | "balance" | "status" | "lastActivityAt">; program: Pick<Program, "kind" | "expiry">; merchant: Pick<Merchant, "timezone"> }[],
  now: Date,
): Promise<Map<string, SoonestExpiry>> {
  const out = new Map<string, SoonestExpiry>();
  const byZone = new Map<string, Map<string, number>>();
  for (const { card, program, merchant } of items) {
    if (card.status !== "active" || program.kind !== "points" || card.balance <= 0) continue;
    const deadline = inactivityDeadline(program.expiry, card.lastActivityAt);
    if (deadline) {
      if (deadline.getTime() > now.getTime()) out.set(card.id, { points: card.balance, at: deadline });
      continue;
    }
    const zone = byZone.get(merchant.timezone) ?? new Map<string, number>();
    zone.set(card.id, card.balance);
    byZone.set(merchant.timezone, zone);
  }
  for (const [timezone, balances] of byZone) {
    const ids = sql.join(
      [...balances.keys()].map((id) => sql`${id}`),
      sql`, `,
    );
    const rows = await queryRows<{ card_id: string; at: Date | string | null; points: number | null }>(
      db,
      sql`
      with open as (
        select card_id, expires_at, remaining, to_char(expires_at at time zone ${timezone}, 'YYYY-MM-DD') as day
        from point_lots where card_id in (${ids}) and expires_at > ${now.toISOString()}::timestamptz
      ), first as (select distinct on (card_id) card_id, day from open order by card_id, expires_at)
      select o.card_id, min(o.expires_at) as at, sum(o.remaining)::int as points
      from open o join first f on f.card_id = o.card_id and f.day = o.day
      group by o.card_id`,
    );
    for (const row of rows) {
      if (!row.at || !row.points) continue;
      out.set(row.card_id, { points: Math.min(row.points, balances.get(row.card_id) ?? row.points), at: new Date(row.at) });
    }
  }
  return out;
}
