import { and, eq, sql, type SQL } from "drizzle-orm";
import type { Executor } from "../../db/client";
import { campaignMembers, campaigns, cards, type CampaignEffect, type Program } from "../../db/schema";

export type RunningCampaign = { id: string; effect: CampaignEffect; member: boolean; budgeted: boolean };

/**
 * The campaigns of the card's program running at `atSql` (a timestamptz expression) — active and inside their window — with
 * whether the card is in each one's audience, as one SQL expression (a json array) evaluated against
 * the `cards` row of the surrounding query. The earn path reads it in the same statement that locks
 * the card, so campaigns cost no extra round trip.
 */
export function runningCampaignsSql(atSql: SQL): SQL<RunningCampaign[]> {
  return sql<RunningCampaign[]>`(
    select coalesce(json_agg(json_build_object(
      'id', c.id,
      'effect', c.effect,
      'budgeted', c.budget is not null,
      'member', (c.audience->>'kind' = 'everyone' and c.holdout_percent = 0)
        or exists (select 1 from ${campaignMembers} m where m.campaign_id = c.id and m.card_id = ${cards.id} and not m.holdout)
    )), '[]'::json)
    from ${campaigns} c
    where c.program_id = ${cards.programId} and c.status = 'active' and c.starts_at <= ${atSql} and c.ends_at > ${atSql}
  )`;
}

/**
 * Product of the earn factors of the running campaigns whose audience includes the card:
 * `multiplier` campaigns, and `double_stamps` on stamp programs. A campaign counts only while it is
 * active and `at` is inside its window, so a late deactivation or a cancel takes effect at once.
 */
export function campaignFactor(program: Pick<Program, "kind">, running: RunningCampaign[]): number {
  let factor = 1;
  for (const { effect, member } of running) {
    if (!member) continue;
    if (effect.kind === "multiplier") factor *= effect.factor;
    else if (effect.kind === "double_stamps" && program.kind === "stamps") factor *= 2;
  }
  return factor;
}

export function parseRunning(value: RunningCampaign[] | string | null | undefined): RunningCampaign[] {
  if (!value) return [];
  return typeof value === "string" ? (JSON.parse(value) as RunningCampaign[]) : value;
}

/**
 * Takes `extra` from the campaign's budget, or refuses (false) when what is left does not cover it.
 * One conditional update: concurrent earns queue on the campaign row and each sees the others'
 * spending, so together they never pass the budget.
 */
export async function chargeCampaignBudget(db: Executor, merchantId: string, campaignId: string, extra: number): Promise<boolean> {
  const charged = await db
    .update(campaigns)
    .set({ spent: sql`${campaigns.spent} + ${extra}` })
    .where(and(eq(campaigns.id, campaignId), eq(campaigns.merchantId, merchantId), sql`(${campaigns.budget} is null or ${campaigns.spent} + ${extra} <= ${campaigns.budget})`))
    .returning({ id: campaigns.id });
  return charged.length > 0;
}
