import { and, eq, gt, lte } from "drizzle-orm";
import { campaignMembers, campaigns, type Card, type Program } from "../../db/schema";
import type { TxCtx } from "../ledger/core";

/**
 * Product of the earn factors of campaigns running at `at` whose audience includes this card:
 * `multiplier` campaigns, and `double_stamps` on stamp programs. A campaign counts only while it is
 * active and `at` is inside its window, so a late deactivation or a cancel takes effect at once.
 */
export async function activeCampaignMultiplier(tx: TxCtx, program: Program, card: Card, at: Date): Promise<number> {
  const running = await tx.db
    .select({ id: campaigns.id, audience: campaigns.audience, effect: campaigns.effect })
    .from(campaigns)
    .where(and(eq(campaigns.programId, program.id), eq(campaigns.status, "active"), lte(campaigns.startsAt, at), gt(campaigns.endsAt, at)));
  let factor = 1;
  for (const campaign of running) {
    const f = campaign.effect.kind === "multiplier" ? campaign.effect.factor : campaign.effect.kind === "double_stamps" && program.kind === "stamps" ? 2 : 1;
    if (f === 1) continue;
    if (campaign.audience.kind !== "everyone") {
      const [member] = await tx.db
        .select({ cardId: campaignMembers.cardId })
        .from(campaignMembers)
        .where(and(eq(campaignMembers.campaignId, campaign.id), eq(campaignMembers.cardId, card.id)));
      if (!member) continue;
    }
    factor *= f;
  }
  return factor;
}
