import { sql } from "drizzle-orm";
import { queryRows } from "../../db/client";
import { assertCan } from "../auth/permissions";
import { now, type Ctx } from "../context";
import { merchantOf } from "../merchants";

export type DayPoint = { day: string; members: number; newMembers: number; active: number; issued: number; redeemed: number };

export type Overview = {
  currency: string;
  timezone: string;
  days: number;
  totals: {
    members: number;
    active30: number;
    issued: number;
    redeemed: number;
    /** Redeemed ÷ issued over the period, 0–1; null when nothing was issued. */
    redemptionRate: number | null;
    /** Points and stamps customers hold and may still spend. */
    liabilityPoints: number;
    /** Cashback owed, in minor units of the currency. */
    liabilityCashback: number;
    /** Cards saved to Apple or Google Wallet. */
    walletSaves: number;
  };
  series: DayPoint[];
};

const DAY = 86_400_000;
const n = (v: unknown) => Number(v ?? 0);

/**
 * The overview's numbers and daily series, in the merchant's time zone. Every query is bounded by
 * merchant and by date, on the (merchant_id, created_at) indexes, so it stays fast on a big ledger.
 */
export async function overview(ctx: Ctx, opts: { days?: number } = {}): Promise<Overview> {
  assertCan(ctx.actor, "reports:read");
  const days = Math.min(Math.max(opts.days ?? 30, 7), 365);
  const merchant = await merchantOf(ctx);
  const tz = merchant.timezone;
  const at = now(ctx);
  const since = new Date(at.getTime() - days * DAY);
  const active30Since = new Date(at.getTime() - 30 * DAY);
  const m = ctx.merchantId;

  const [members, ledger, cardTotals, joins, wallet] = await Promise.all([
    queryRows<{ total: number; before: number }>(
      ctx.db,
      sql`select count(*)::int as total, count(*) filter (where created_at < ${since.toISOString()}::timestamptz)::int as before
          from customers where merchant_id = ${m} and erased_at is null`,
    ),
    queryRows<{ day: string; issued: number; redeemed: number; active: number }>(
      ctx.db,
      sql`select to_char((created_at at time zone ${tz})::date, 'YYYY-MM-DD') as day,
                 coalesce(sum(amount) filter (where kind in ('earn', 'bonus') and amount > 0), 0)::int as issued,
                 coalesce(-sum(amount) filter (where kind = 'redeem'), 0)::int as redeemed,
                 count(distinct card_id)::int as active
          from ledger_entries
          where merchant_id = ${m} and created_at >= ${since.toISOString()}::timestamptz
          group by 1 order by 1`,
    ),
    queryRows<{ points: number; cashback: number; active30: number }>(
      ctx.db,
      sql`select coalesce(sum(c.balance) filter (where p.kind <> 'cashback'), 0)::bigint as points,
                 coalesce(sum(c.balance) filter (where p.kind = 'cashback'), 0)::bigint as cashback,
                 count(distinct c.customer_id) filter (where c.last_activity_at >= ${active30Since.toISOString()}::timestamptz)::int as active30
          from cards c join programs p on p.id = c.program_id
          where c.merchant_id = ${m} and c.status = 'active'`,
    ),
    queryRows<{ day: string; joined: number }>(
      ctx.db,
      sql`select to_char((created_at at time zone ${tz})::date, 'YYYY-MM-DD') as day, count(*)::int as joined
          from customers where merchant_id = ${m} and created_at >= ${since.toISOString()}::timestamptz and erased_at is null
          group by 1 order by 1`,
    ),
    walletSaves(ctx),
  ]);

  const byDay = new Map(ledger.map((r) => [r.day, r]));
  const joinedByDay = new Map(joins.map((r) => [r.day, n(r.joined)]));
  const series: DayPoint[] = [];
  let running = n(members[0]?.before);
  for (let i = days - 1; i >= 0; i--) {
    const day = localDay(new Date(at.getTime() - i * DAY), tz);
    const joined = joinedByDay.get(day) ?? 0;
    running += joined;
    const row = byDay.get(day);
    series.push({ day, members: running, newMembers: joined, active: n(row?.active), issued: n(row?.issued), redeemed: n(row?.redeemed) });
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
      walletSaves: wallet,
    },
    series,
  };
}

function localDay(at: Date, timeZone: string): string {
  // en-CA formats as YYYY-MM-DD.
  return new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(at);
}

/**
 * Cards in a wallet: an Apple device registered for the pass, or a Google loyalty object made by a
 * save link. Counted once per card.
 */
async function walletSaves(ctx: Ctx): Promise<number> {
  const [row] = await queryRows<{ n: number }>(
    ctx.db,
    sql`select count(distinct s.card_id)::int as n
        from (select card_id from apple_registrations union all select card_id from google_wallet_objects) s
        join cards c on c.id = s.card_id
        where c.merchant_id = ${ctx.merchantId}`,
  );
  return n(row?.n);
}
