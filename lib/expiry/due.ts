import { sql } from "drizzle-orm";
import { queryRows, type Executor } from "../../db/client";
import { systemActor } from "../context";
import { expireCard } from "./expire";

/**
 * Closes due lots on up to `limit` cards: lots past their date, and whole balances under an
 * inactivity policy whose deadline passed. One transaction per card (lib/expiry/expire.ts), so a
 * failure on one card leaves the others done, and a rerun finds nothing left to close.
 */
export async function expireDueCards(db: Executor, at: Date, limit = 500): Promise<{ cards: number; points: number }> {
  const due = await queryRows<{ card_id: string; merchant_id: string }>(
    db,
    sql`
    select card_id, merchant_id from (
      select distinct l.card_id, l.merchant_id from point_lots l join cards c on c.id = l.card_id
      where l.remaining > 0 and l.expires_at <= ${at.toISOString()}::timestamptz and c.status = 'active'
      union
      select c.id, c.merchant_id from cards c join programs p on p.id = c.program_id
      where p.expiry->>'kind' = 'inactivity' and c.balance > 0 and c.status = 'active'
        and c.last_activity_at + make_interval(days => (p.expiry->>'days')::int) <= ${at.toISOString()}::timestamptz
    ) due order by card_id limit ${limit}::int`,
  );
  let cards = 0;
  let points = 0;
  for (const row of due) {
    const ctx = { db, merchantId: row.merchant_id, actor: systemActor("points-expiry"), source: "job", now: () => at };
    const result = await expireCard(ctx, row.card_id);
    if (result) {
      cards++;
      points += -result.entry.amount;
    }
  }
  return { cards, points };
}
