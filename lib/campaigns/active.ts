import { eq, sql, type SQL } from "drizzle-orm";
import { queryRows } from "../../db/client";
import { campaignMembers, campaigns, cards, type Card, type Program } from "../../db/schema";
import type { CampaignEffect } from "../../db/schema";
import type { TxCtx } from "../ledger/core";

export type RunningCampaign = { effect: CampaignEffect; member: boolean };

/**
 * The campaigns of the card's program running at `at` — active and inside their window — with
 * whether the card is in each one's audience, as one SQL expression (a json array) evaluated against
 * the `cards` row of the surrounding query. The earn path reads it in the same statement that locks
 * the card, so campaigns cost no extra round trip.
 */
export function runningCampaignsSql(at: Date): SQL<RunningCampaign[]> {
  const atSql = sql`${at.toISOString()}::timestamptz`;
  return sql<RunningCampaign[]>`(
    select coalesce(json_agg(json_build_object(
      'effect', c.effect,
      'member', c.audience->>'kind' = 'everyone'
        or exists (select 1 from ${campaignMembers} m where m.campaign_id = c.id and m.card_id = ${cards.id})
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
export function campaignFactor(program: Program, running: RunningCampaign[]): number {
  let factor = 1;
  for (const { effect, member } of running) {
    if (!member) continue;
    if (effect.kind === "multiplier") factor *= effect.factor;
    else if (effect.kind === "double_stamps" && program.kind === "stamps") factor *= 2;
  }
  return factor;
}

/** campaignFactor for a card, read on its own (when the card was not locked with its campaigns). */
export async function activeCampaignMultiplier(tx: TxCtx, program: Program, card: Card, at: Date): Promise<number> {
  const [row] = await queryRows<{ running: RunningCampaign[] | string }>(tx.db, sql`select ${runningCampaignsSql(at)} as running from ${cards} where ${eq(cards.id, card.id)}`);
  return campaignFactor(program, parseRunning(row?.running));
}

export function parseRunning(value: RunningCampaign[] | string | null | undefined): RunningCampaign[] {
  if (!value) return [];
  return typeof value === "string" ? (JSON.parse(value) as RunningCampaign[]) : value;
}
