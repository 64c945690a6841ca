import { sql } from "drizzle-orm";
import { queryRows } from "../../db/client";
import { assertCan } from "../auth/permissions";
import type { Ctx } from "../context";
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
};

/** What a campaign did: participants, points issued and redemptions against the weeks before. */
export async function campaignResults(ctx: Ctx, campaignId: string): Promise<CampaignResults> {
  assertCan(ctx.actor, "reports:read");
  const campaign = await loadCampaign(ctx, campaignId);
  // The window as planned, cut short by a cancel; entries after now simply do not exist yet.
  const stop = Math.min(campaign.endsAt.getTime(), (campaign.cancelledAt ?? campaign.endsAt).getTime());
  const from = campaign.startsAt;
  const to = new Date(Math.max(stop, from.getTime()));
  const before = new Date(from.getTime() - (to.getTime() - from.getTime()));
  const audience =
    campaign.audience.kind === "everyone"
      ? sql`select id from cards where program_id = ${campaign.programId}`
      : sql`select card_id from campaign_members where campaign_id = ${campaign.id}`;
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
  };
}
