import { sql } from "drizzle-orm";
import { queryRows } from "../../db/client";
import type { Campaign, Program } from "../../db/schema";
import { assertCan } from "../auth/permissions";
import { now, type Ctx } from "../context";
import { formatMoney } from "../money";
import { holdoutSql } from "./holdout";
import { audienceSql, fixesAudience } from "./run";

export type CampaignCost = {
  /** Active cards in the audience today (a started campaign: its fixed audience). */
  audience: number;
  /** What the campaign is expected to give away, in the program's unit (minor units for cashback). */
  projected: number;
  /** The projection capped by the budget: the most it can cost. */
  atMost: number;
  budget: number | null;
  spent: number;
  /** `projected` in words: money for cashback, else points or stamps. */
  label: string;
};

type Costed = Pick<Campaign, "id" | "programId" | "audience" | "effect" | "startsAt" | "endsAt" | "budget" | "spent" | "activatedAt" | "holdoutPercent">;

/**
 * The projected cost of a campaign: audience size × bonus for a bonus; for a multiplier or double
 * stamps, the extra it adds to what the same audience earned over the last period as long as the
 * campaign (factor − 1 times that).
 */
export async function campaignCost(ctx: Ctx, campaign: Costed, program: Pick<Program, "id" | "kind" | "currency">, timezone: string): Promise<CampaignCost> {
  assertCan(ctx.actor, "reports:read");
  const at = now(ctx);
  // Started: the cards it treats (its fixed audience less the holdout). Not yet: the audience as it
  // would be drawn now, less the expected holdout share.
  const who = campaign.activatedAt
    ? fixesAudience(campaign)
      ? sql`exists (select 1 from campaign_members cm where cm.campaign_id = ${campaign.id} and cm.card_id = c.id and not cm.holdout)`
      : sql`true`
    : sql`(${(await audienceSql(ctx.db, { ...campaign, merchantId: ctx.merchantId }, at, timezone)) ?? sql`true`}) and not ${holdoutSql(campaign.id, sql`c.id`, campaign.holdoutPercent)}`;
  const cards = sql`cards c where c.merchant_id = ${ctx.merchantId} and c.program_id = ${program.id} and c.status = 'active' and (${who})`;
  const [{ n }] = (await queryRows<{ n: number }>(ctx.db, sql`select count(*)::int as n from ${cards}`)) as [{ n: number }];
  let projected = 0;
  const effect = campaign.effect;
  if (effect.kind === "bonus") projected = n * effect.points;
  else {
    const factor = effect.kind === "multiplier" ? effect.factor : program.kind === "stamps" ? 2 : 1;
    const length = Math.max(0, campaign.endsAt.getTime() - campaign.startsAt.getTime());
    const since = new Date(at.getTime() - length).toISOString();
    const [{ earned }] = (await queryRows<{ earned: number }>(
      ctx.db,
      sql`select coalesce(sum(e.amount), 0)::bigint as earned from ledger_entries e
          where e.merchant_id = ${ctx.merchantId} and e.kind = 'earn' and e.created_at >= ${since}::timestamptz
            and e.card_id in (select c.id from ${cards})`,
    )) as [{ earned: number }];
    projected = Math.round(Number(earned) * (factor - 1));
  }
  const atMost = campaign.budget === null ? projected : Math.min(projected, campaign.budget);
  return { audience: n, projected, atMost, budget: campaign.budget, spent: campaign.spent, label: describeAmount(program, projected) };
}

export function describeAmount(program: Pick<Program, "kind" | "currency">, amount: number): string {
  if (program.kind === "cashback") return formatMoney(amount, program.currency);
  if (program.kind === "stamps") return `${amount.toLocaleString("en")} stamp${amount === 1 ? "" : "s"}`;
  return `${amount.toLocaleString("en")} point${amount === 1 ? "" : "s"}`;
}
