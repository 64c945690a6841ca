import { eq, sql, type SQL } from "drizzle-orm";
import { queryRows } from "../../db/client";
import { merchants, type Program } from "../../db/schema";
import type { Ctx } from "../context";
import { birthdayDays } from "./calendar";

/** How long after a grant the recipient's visits and spend are counted as "what followed". */
export const AFTER_WINDOW_DAYS = 30;
const DAY = 86_400_000;
const LIST = 5;

export type AutomationStats = {
  /** Who the automation is for this week (see the UI's words per automation), with a few of them. */
  qualifying: { count: number; members: Array<{ cardId: string; name: string | null }> };
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
export async function automationStats(ctx: Ctx, program: Program, settings: Settings, at: Date): Promise<Record<"welcome" | "birthday" | "referral" | "winback", AutomationStats>> {
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
  const keys: Record<string, string> = { welcome: "welcome", birthday: "birthday:%", referral: "referral:%", winback: "winback:%" };

  const out = {} as Record<"welcome" | "birthday" | "referral" | "winback", AutomationStats>;
  for (const name of ["welcome", "birthday", "referral", "winback"] as const) {
    const [who, list, given] = await Promise.all([
      queryRows<{ n: number }>(ctx.db, sql`select count(*)::int as n from cards c join customers cu on cu.id = c.customer_id where ${qualifying[name]!}`),
      queryRows<{ id: string; name: string | null; email: string }>(
        ctx.db,
        sql`select c.id, cu.name, cu.email from cards c join customers cu on cu.id = c.customer_id where ${qualifying[name]!} order by c.created_at desc, c.id limit ${LIST}`,
      ),
      queryRows<{ grants: number; members: number; points: number; vouchers: number; visits: number; spend: number | string }>(
        ctx.db,
        sql`with g as (
              select g.card_id, g.created_at, g.points, g.voucher_id from bonus_grants g join cards c on c.id = g.card_id
              where g.merchant_id = ${ctx.merchantId} and c.program_id = ${program.id} and g.key like ${keys[name]!} and (g.points > 0 or g.voucher_id is not null)
            ),
            followed as (
              select count(*)::int as visits, coalesce(sum(case when jsonb_typeof(e.details->'purchase'->'amount') = 'number' then (e.details->'purchase'->>'amount')::bigint else 0 end), 0)::bigint as spend
              from g join ledger_entries e on e.card_id = g.card_id and e.kind = 'earn'
                and e.created_at > g.created_at and e.created_at <= g.created_at + interval '${sql.raw(String(AFTER_WINDOW_DAYS))} days'
            )
            select (select count(*) from g)::int as grants, (select count(distinct card_id) from g)::int as members,
                   (select coalesce(sum(points), 0) from g)::int as points, (select count(voucher_id) from g)::int as vouchers,
                   (select visits from followed) as visits, (select spend from followed) as spend`,
      ),
    ]);
    const g = given[0]!;
    out[name] = {
      qualifying: { count: Number(who[0]?.n ?? 0), members: list.map((r) => ({ cardId: r.id, name: r.name ?? r.email.split("@")[0]! })) },
      cost: { grants: Number(g.grants), members: Number(g.members), points: Number(g.points), vouchers: Number(g.vouchers) },
      after: { visits: Number(g.visits), spend: Number(g.spend), windowDays: AFTER_WINDOW_DAYS },
    };
  }
  return out;
}
