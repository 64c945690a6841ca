import { eq, sql, type SQL } from "drizzle-orm";
import { queryRows } from "../../db/client";
import { merchants, type Program } from "../../db/schema";
import { assertCan } from "../auth/permissions";
import type { Ctx } from "../context";
import { birthdayDays } from "./calendar";

/** How long after a grant the recipient's visits and spend are counted as "what followed". */
export const AFTER_WINDOW_DAYS = 30;
const DAY = 86_400_000;
const LIST = 5;

export type AutomationName = "welcome" | "birthday" | "referral" | "winback";

export type AutomationStats = {
  /** Who the automation is for this week (see the UI's words per automation), with a few of them. */
  qualifying: { count: number; members: Array<{ cardId: string; customerId: string; name: string | null }> };
  /** What it has given since it was first switched on: grants, points (the program's unit) and vouchers. */
  cost: { grants: number; members: number; points: number; vouchers: number };
  /**
   * What the recipients did afterwards: visits (earns) and purchase spend (minor units) on their card in
   * the AFTER_WINDOW_DAYS days after each grant, the grant's own purchase excluded. Not a measured lift:
   * some would have come anyway.
   */
  after: { visits: number; spend: number; windowDays: number };
};

type Settings = {
  birthday: { daysBefore: number };
  winback: { days: number };
};

/** The numbers of each automation of a program, whether it is on or off (off: who it would be for). */
export async function automationStats(ctx: Ctx, program: Program, settings: Settings, at: Date): Promise<Record<AutomationName, AutomationStats>> {
  const [merchant] = await ctx.db.select({ timezone: merchants.timezone }).from(merchants).where(eq(merchants.id, ctx.merchantId));
  const tz = merchant?.timezone ?? "UTC";
  const base = sql`c.merchant_id = ${ctx.merchantId} and c.program_id = ${program.id} and c.status = 'active' and cu.erased_at is null`;
  const iso = (d: Date) => sql`${d.toISOString()}::timestamptz`;

  const week = birthdayDays(at, tz, settings.birthday.daysBefore, 7);
  const qualifying: Record<string, SQL> = {
    welcome: sql`${base} and c.created_at > ${iso(new Date(at.getTime() - 7 * DAY))}`,
    birthday: sql`${base} and to_char(cu.birthday, 'MM-DD') in (${sql.join(
      week.map((d) => sql`${d.mmdd}`),
      sql`, `,
    )})
      and not exists (select 1 from bonus_grants g where g.card_id = c.id and g.key like 'birthday:%' and g.created_at > ${iso(new Date(at.getTime() - 300 * DAY))})`,
    referral: sql`${base} and exists (select 1 from referrals r where r.referee_card_id = c.id and r.status = 'pending')`,
    winback: sql`${base} and c.last_activity_at <= ${iso(new Date(at.getTime() + 7 * DAY - settings.winback.days * DAY))}
      and not exists (select 1 from bonus_grants g where g.card_id = c.id and g.key like 'winback:%' and g.created_at >= c.last_activity_at)`,
  };

  const given = await queryRows<{ kind: AutomationName; grants: number; members: number; points: number; vouchers: number; visits: number; spend: number | string }>(
    ctx.db,
    sql`with g as (
          select split_part(g.key, ':', 1) as kind, g.card_id, g.created_at, g.points, g.voucher_id from bonus_grants g join cards c on c.id = g.card_id
          where g.merchant_id = ${ctx.merchantId} and c.program_id = ${program.id} and (g.points > 0 or g.voucher_id is not null)
            and split_part(g.key, ':', 1) in ('welcome', 'birthday', 'referral', 'winback')
        ),
        followed as (
          select g.kind, count(*)::int as visits,
                 coalesce(sum(case when jsonb_typeof(e.details->'purchase'->'amount') = 'number' then (e.details->'purchase'->>'amount')::bigint else 0 end), 0)::bigint as spend
          from g join ledger_entries e on e.card_id = g.card_id and e.kind = 'earn'
            and e.created_at > g.created_at and e.created_at <= g.created_at + interval '${sql.raw(String(AFTER_WINDOW_DAYS))} days'
          group by g.kind
        )
        select t.kind, t.grants, t.members, t.points, t.vouchers, coalesce(f.visits, 0)::int as visits, coalesce(f.spend, 0)::bigint as spend
        from (select kind, count(*)::int as grants, count(distinct card_id)::int as members, coalesce(sum(points), 0)::int as points, count(voucher_id)::int as vouchers from g group by kind) t
        left join followed f on f.kind = t.kind`,
  );
  const out = {} as Record<AutomationName, AutomationStats>;
  for (const name of ["welcome", "birthday", "referral", "winback"] as const) {
    // The first few, each row carrying the total: one query for the count and the list.
    const list = await queryRows<{ id: string; customer_id: string; name: string | null; email: string; total: number }>(
      ctx.db,
      sql`select c.id, c.customer_id, cu.name, cu.email, count(*) over ()::int as total from cards c join customers cu on cu.id = c.customer_id
          where ${qualifying[name]!} order by c.created_at desc, c.id limit ${LIST}`,
    );
    const g = given.find((r) => r.kind === name);
    out[name] = {
      qualifying: { count: Number(list[0]?.total ?? 0), members: list.map((r) => ({ cardId: r.id, customerId: r.customer_id, name: r.name ?? r.email.split("@")[0]! })) },
      cost: { grants: Number(g?.grants ?? 0), members: Number(g?.members ?? 0), points: Number(g?.points ?? 0), vouchers: Number(g?.vouchers ?? 0) },
      after: { visits: Number(g?.visits ?? 0), spend: Number(g?.spend ?? 0), windowDays: AFTER_WINDOW_DAYS },
    };
  }
  return out;
}

/** Grants (points or vouchers) per automation in each of the last `weeks` weeks up to `at`, oldest first, with each week's first day. */
export async function weeklyGrants(ctx: Ctx, programId: string, at: Date, weeks = 8): Promise<{ starts: Date[]; counts: Record<AutomationName, number[]> }> {
  assertCan(ctx.actor, "automations:read");
  const rows = await queryRows<{ kind: AutomationName; w: number; n: number }>(
    ctx.db,
    sql`select case when g.key = 'welcome' then 'welcome' else split_part(g.key, ':', 1) end as kind,
               floor(extract(epoch from (${at.toISOString()}::timestamptz - g.created_at)) / 604800)::int as w, count(*)::int as n
        from bonus_grants g join cards c on c.id = g.card_id
        where g.merchant_id = ${ctx.merchantId} and c.program_id = ${programId} and (g.points > 0 or g.voucher_id is not null)
          and g.created_at > ${new Date(at.getTime() - weeks * 7 * DAY).toISOString()}::timestamptz and g.created_at <= ${at.toISOString()}::timestamptz
          and split_part(g.key, ':', 1) in ('welcome', 'birthday', 'referral', 'winback')
        group by 1, 2`,
  );
  const counts = Object.fromEntries((["welcome", "birthday", "referral", "winback"] as const).map((k) => [k, Array<number>(weeks).fill(0)])) as Record<AutomationName, number[]>;
  for (const r of rows) {
    const i = weeks - 1 - Number(r.w);
    if (i >= 0 && i < weeks && counts[r.kind]) counts[r.kind][i]! += Number(r.n);
  }
  const starts = Array.from({ length: weeks }, (_, i) => new Date(at.getTime() - (weeks - i) * 7 * DAY));
  return { starts, counts };
}
