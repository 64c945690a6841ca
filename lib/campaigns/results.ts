import { sql } from "drizzle-orm";
import { queryRows } from "../../db/client";
import type { Campaign } from "../../db/schema";
import { assertCan } from "../auth/permissions";
import { now, type Ctx } from "../context";
import { loadProgram } from "../programs/verbs";
import { fixesAudience } from "./run";
import { loadCampaign } from "./verbs";

export type CampaignResults = {
  campaignId: string;
  from: string;
  to: string;
  /** Audience cards that earned or got a bonus during the window. */
  participants: number;
  /** Points (stamps, cashback) earned plus bonuses in the window, by the audience. */
  pointsIssued: number;
  bonusPoints: number;
  /** Redemptions in the window, and in the period of the same length just before it. */
  redemptions: number;
  redemptionsBefore: number;
  /** Treated members against the holdout; null without a holdout or before the campaign started. */
  comparison: HoldoutComparison | null;
};

export type MetricKey = "visits" | "spend" | "points" | "cost";

/** One measure, per member, for both groups over the campaign's window. */
export type MetricComparison = {
  key: MetricKey;
  label: string;
  /** "count", "money" (minor units of the program's currency) or "points" (the program's unit). */
  unit: "count" | "money" | "points";
  treated: number;
  holdout: number;
  /** treated − holdout, and its 95 % confidence interval (null when a group has fewer than two members). */
  difference: number;
  low: number | null;
  high: number | null;
};

export type HoldoutComparison = {
  holdoutPercent: number;
  treatedMembers: number;
  holdoutMembers: number;
  currency: string;
  metrics: MetricComparison[];
  /** Visits per member, day by day through the window, cumulated: the picture of the gap opening. */
  daily: { day: string; treated: number; holdout: number }[];
};

/** Sufficient statistics of one measure in one group: count, sum, sum of squares. */
export type Moments = { n: number; sum: number; sumSq: number };

/** z for a two-sided 95 % interval. */
const Z95 = 1.959964;

/**
 * Difference of two means with a 95 % confidence interval, Welch-style normal approximation:
 *
 *   mean_g = sum_g / n_g
 *   s²_g   = (sumSq_g − n_g · mean_g²) / (n_g − 1)          (sample variance)
 *   diff   = mean_T − mean_H
 *   SE     = √( s²_T / n_T + s²_H / n_H )                     (unequal variances)
 *   CI     = diff ± 1.959964 · SE
 *
 * With audiences of hundreds of members and more, the means are close to normal whatever the
 * distribution of visits or spend, which is what makes the normal quantile fair.
 */
export function meanDifference(treated: Moments, holdout: Moments): { treated: number; holdout: number; difference: number; low: number | null; high: number | null } {
  const mean = (m: Moments) => (m.n > 0 ? m.sum / m.n : 0);
  const variance = (m: Moments) => Math.max(0, (m.sumSq - m.n * mean(m) ** 2) / (m.n - 1));
  const difference = mean(treated) - mean(holdout);
  if (treated.n < 2 || holdout.n < 2) return { treated: mean(treated), holdout: mean(holdout), difference, low: null, high: null };
  const se = Math.sqrt(variance(treated) / treated.n + variance(holdout) / holdout.n);
  return { treated: mean(treated), holdout: mean(holdout), difference, low: difference - Z95 * se, high: difference + Z95 * se };
}

/** The campaign's window as measured: from its start to its end, cut short by a cancel and by now. */
function windowOf(campaign: Campaign, at: Date): { from: Date; to: Date } {
  const stop = Math.min(campaign.endsAt.getTime(), (campaign.cancelledAt ?? campaign.endsAt).getTime(), at.getTime());
  const from = campaign.startsAt;
  return { from, to: new Date(Math.max(stop, from.getTime())) };
}

/** What a campaign did: participants, points issued and redemptions against the weeks before, and against its holdout. */
export async function campaignResults(ctx: Ctx, campaignId: string): Promise<CampaignResults> {
  assertCan(ctx.actor, "campaigns:read");
  const campaign = await loadCampaign(ctx, campaignId);
  const { from, to } = windowOf(campaign, new Date(Math.max(now(ctx).getTime(), campaign.endsAt.getTime())));
  const before = new Date(from.getTime() - (to.getTime() - from.getTime()));
  // The treated audience (the holdout got nothing, so it is not the campaign's).
  const audience = fixesAudience(campaign)
    ? sql`select card_id from campaign_members where campaign_id = ${campaign.id} and not holdout`
    : sql`select id from cards where program_id = ${campaign.programId}`;
  const [row] = await queryRows<Record<string, number>>(
    ctx.db,
    sql`
    with aud as (${audience}),
    e as (select card_id, kind, amount, created_at from ledger_entries
          where merchant_id = ${ctx.merchantId} and card_id in (select * from aud)
            and created_at >= ${before.toISOString()}::timestamptz and created_at < ${to.toISOString()}::timestamptz)
    select
      (select count(distinct card_id) from e where kind in ('earn', 'bonus') and created_at >= ${from.toISOString()}::timestamptz)::int as participants,
      (select coalesce(sum(amount), 0) from e where kind in ('earn', 'bonus') and created_at >= ${from.toISOString()}::timestamptz)::int as points,
      (select coalesce(sum(points), 0) from bonus_grants where key = ${`campaign:${campaign.id}`})::int as bonus,
      (select count(*) from e where kind = 'redeem' and created_at >= ${from.toISOString()}::timestamptz)::int as redemptions,
      (select count(*) from e where kind = 'redeem' and created_at < ${from.toISOString()}::timestamptz)::int as redemptions_before`,
  );
  return {
    campaignId,
    from: from.toISOString(),
    to: to.toISOString(),
    participants: Number(row!.participants),
    pointsIssued: Number(row!.points),
    bonusPoints: Number(row!.bonus),
    redemptions: Number(row!.redemptions),
    redemptionsBefore: Number(row!.redemptions_before),
    comparison: campaign.activatedAt && campaign.holdoutPercent > 0 ? await holdoutComparison(ctx, campaign, windowOf(campaign, now(ctx))) : null,
  };
}

const LABELS: Record<MetricKey, { label: string; unit: MetricComparison["unit"] }> = {
  visits: { label: "Visits per member", unit: "count" },
  spend: { label: "Spend per member", unit: "money" },
  points: { label: "Points issued per member", unit: "points" },
  cost: { label: "Campaign cost per member", unit: "points" },
};

/**
 * Treated against holdout over the window [from, to), per member (every member counts, with zeros
 * for those who did not come):
 *  - visits: earn entries not reversed;
 *  - spend: the purchases behind those visits, in the program's currency;
 *  - points: earned plus bonuses (the program's unit: points, stamps, or cashback minor units);
 *  - cost: what the campaign gave the member: its one-off bonus, plus the multiplier's extra on
 *    what they earned (earned × (1 − 1/factor)); zero for the holdout by design.
 */
export async function holdoutComparison(ctx: Ctx, campaign: Campaign, { from, to }: { from: Date; to: Date }): Promise<HoldoutComparison> {
  const program = await loadProgram(ctx, campaign.programId);
  const factor = campaign.effect.kind === "multiplier" ? campaign.effect.factor : campaign.effect.kind === "double_stamps" && program.kind === "stamps" ? 2 : 1;
  const extraShare = 1 - 1 / factor;
  const fromSql = sql`${from.toISOString()}::timestamptz`;
  const toSql = sql`${to.toISOString()}::timestamptz`;
  const perCard = sql`
    with m as (select card_id, holdout from campaign_members where campaign_id = ${campaign.id}),
    e as (select e.card_id, e.kind, e.amount, e.details, e.created_at from ledger_entries e join m on m.card_id = e.card_id
          where e.merchant_id = ${ctx.merchantId} and e.kind in ('earn', 'bonus') and e.created_at >= ${fromSql} and e.created_at < ${toSql}
            and not exists (select 1 from ledger_entries r where r.reverses_entry_id = e.id)),
    b as (select card_id, sum(points) as points from bonus_grants where key = ${`campaign:${campaign.id}`} group by card_id),
    per as (
      select m.card_id, m.holdout,
        count(e.card_id) filter (where e.kind = 'earn')::float8 as visits,
        coalesce(sum((e.details->'purchase'->>'amount')::bigint) filter (where e.kind = 'earn' and e.details->'purchase'->>'currency' = ${program.currency}), 0)::float8 as spend,
        coalesce(sum(e.amount), 0)::float8 as points,
        coalesce(sum(e.amount) filter (where e.kind = 'earn'), 0)::float8 as earned
      from m left join e on e.card_id = m.card_id
      group by m.card_id, m.holdout)`;
  const rows = await queryRows<Record<string, number | boolean>>(
    ctx.db,
    sql`${perCard},
    costed as (select per.*, case when per.holdout then 0 else coalesce(b.points, 0) + per.earned * ${extraShare}::float8 end as cost
               from per left join b on b.card_id = per.card_id)
    select holdout, count(*)::int as n,
      sum(visits) as visits_sum, sum(visits * visits) as visits_sq,
      sum(spend) as spend_sum, sum(spend * spend) as spend_sq,
      sum(points) as points_sum, sum(points * points) as points_sq,
      sum(cost) as cost_sum, sum(cost * cost) as cost_sq
    from costed group by holdout`,
  );
  const group = (holdout: boolean) => rows.find((r) => Boolean(r.holdout) === holdout);
  const moments = (holdout: boolean, key: MetricKey): Moments => {
    const r = group(holdout);
    return { n: Number(r?.n ?? 0), sum: Number(r?.[`${key}_sum`] ?? 0), sumSq: Number(r?.[`${key}_sq`] ?? 0) };
  };
  const metrics = (Object.keys(LABELS) as MetricKey[]).map((key) => ({ key, ...LABELS[key], ...meanDifference(moments(false, key), moments(true, key)) }));
  const treatedMembers = Number(group(false)?.n ?? 0);
  const holdoutMembers = Number(group(true)?.n ?? 0);

  const dailyRows = await queryRows<{ day: string; holdout: boolean; visits: number }>(
    ctx.db,
    sql`select to_char(date_trunc('day', e.created_at at time zone 'UTC'), 'YYYY-MM-DD') as day, m.holdout, count(*)::int as visits
        from ledger_entries e join campaign_members m on m.card_id = e.card_id and m.campaign_id = ${campaign.id}
        where e.merchant_id = ${ctx.merchantId} and e.kind = 'earn' and e.created_at >= ${fromSql} and e.created_at < ${toSql}
          and not exists (select 1 from ledger_entries r where r.reverses_entry_id = e.id)
        group by 1, 2 order by 1`,
  );
  const daily: HoldoutComparison["daily"] = [];
  let t = 0;
  let h = 0;
  for (let d = Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate()); d < to.getTime() && daily.length < 92; d += 86_400_000) {
    const day = new Date(d).toISOString().slice(0, 10);
    for (const r of dailyRows.filter((x) => x.day === day)) {
      if (Boolean(r.holdout)) h += Number(r.visits);
      else t += Number(r.visits);
    }
    daily.push({ day, treated: treatedMembers ? t / treatedMembers : 0, holdout: holdoutMembers ? h / holdoutMembers : 0 });
  }
  return { holdoutPercent: campaign.holdoutPercent, treatedMembers, holdoutMembers, currency: program.currency, metrics, daily };
}
