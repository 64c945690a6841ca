import type { Card, Program } from "../../db/schema";
import type { TxCtx } from "../ledger/core";

/**
 * Product of the earn multipliers of campaigns running at `at` whose audience includes this card.
 * Campaigns arrive with the background-jobs work; until a program has any, this is 1.
 */
export async function activeCampaignMultiplier(_tx: TxCtx, _program: Program, _card: Card, _at: Date): Promise<number> {
  return 1;
}
