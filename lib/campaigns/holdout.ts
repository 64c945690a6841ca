import { createHash } from "node:crypto";
import { sql, type SQL } from "drizzle-orm";

/*
 * The holdout group: a share of a campaign's audience that gets nothing, to compare with.
 *
 * A card is in the holdout when the first 32 bits of md5(campaign id ":" card id), read as an
 * unsigned number u in [0, 2^32), fall below percent/100 × 2^32. So the assignment is
 *  - stable: the same campaign and card always give the same answer, on every rerun;
 *  - uniform: u is (for this purpose) uniformly spread, so each card is held out with probability
 *    percent/100 and the group is about that share of the audience;
 *  - independent between campaigns: the campaign id (random, 120 bits) keys the hash, so being held
 *    out of one campaign says nothing about another.
 * It is drawn once, in SQL, when the campaign starts, and stored in campaign_members.holdout; the
 * TypeScript twin below is for tests and explanations.
 */

export const MAX_HOLDOUT_PERCENT = 50;
const SPACE = 2 ** 32;

/** The threshold below which a card's hash puts it in the holdout. */
export function holdoutThreshold(percent: number): number {
  return Math.floor((Math.min(Math.max(percent, 0), 100) / 100) * SPACE);
}

/** The card's position in [0, 2^32) for this campaign. */
export function holdoutHash(campaignId: string, cardId: string): number {
  return createHash("md5").update(`${campaignId}:${cardId}`).digest().readUInt32BE(0);
}

export function inHoldout(campaignId: string, cardId: string, percent: number): boolean {
  return holdoutHash(campaignId, cardId) < holdoutThreshold(percent);
}

/** The same decision as `inHoldout`, as SQL over a card id expression. */
export function holdoutSql(campaignId: string, cardId: SQL, percent: number): SQL {
  if (percent <= 0) return sql`false`;
  return sql`(('x' || lpad(substr(md5(${campaignId}::text || ':' || ${cardId}), 1, 8), 16, '0'))::bit(64)::bigint < ${holdoutThreshold(percent)})`;
}
