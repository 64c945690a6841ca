import type { Reward } from "../../db/schema";

/** Why a card cannot take a reward right now, whatever its balance. */
export type Unavailable =
  | { reason: "out_of_stock"; message: string }
  | { reason: "tier"; message: string }
  | { reason: "not_yet"; message: string }
  | { reason: "ended"; message: string };

type Restricted = Pick<Reward, "name" | "inventory" | "eligibleTiers" | "availableFrom" | "availableUntil">;

const day = (d: Date) => d.toLocaleDateString("en-GB", { day: "numeric", month: "short", timeZone: "UTC" });
// The window's end is exclusive (midnight after the last day), so its last day is the moment before.
const lastDay = (d: Date) => day(new Date(d.getTime() - 1));

/** "Gold members only", "Gold or Platinum members only". */
export function tierLabel(tiers: readonly string[]): string {
  const names = tiers.length <= 2 ? tiers.join(" or ") : `${tiers.slice(0, -1).join(", ")} or ${tiers.at(-1)}`;
  return `${names} members only`;
}

/**
 * The one rule for whether a card may take a reward (balance aside): in stock, open to the card's
 * tier (an empty list is everyone) and inside its window. Null when it may. The redemption verb,
 * the next reward on the card page and the passes, and the card page's list all ask this.
 */
export function rewardUnavailable(reward: Restricted, card: { tier: string | null }, now: Date): Unavailable | null {
  if (reward.eligibleTiers.length > 0 && !(card.tier && reward.eligibleTiers.includes(card.tier))) {
    return { reason: "tier", message: tierLabel(reward.eligibleTiers) };
  }
  if (reward.availableFrom && now < reward.availableFrom) return { reason: "not_yet", message: `From ${day(reward.availableFrom)}` };
  if (reward.availableUntil && now >= reward.availableUntil) return { reason: "ended", message: `Ended ${lastDay(reward.availableUntil)}` };
  if (reward.inventory !== null && reward.inventory <= 0) return { reason: "out_of_stock", message: "Out of stock" };
  return null;
}

/** Whether a reward's restriction is worth showing in a list: "Gold members only · 1 Dec – 24 Dec". */
export function restrictionSummary(reward: Pick<Reward, "eligibleTiers" | "availableFrom" | "availableUntil">): string | null {
  const parts: string[] = [];
  if (reward.eligibleTiers.length > 0) parts.push(tierLabel(reward.eligibleTiers));
  if (reward.availableFrom && reward.availableUntil) parts.push(`${day(reward.availableFrom)} – ${lastDay(reward.availableUntil)}`);
  else if (reward.availableFrom) parts.push(`From ${day(reward.availableFrom)}`);
  else if (reward.availableUntil) parts.push(`Until ${lastDay(reward.availableUntil)}`);
  return parts.length > 0 ? parts.join(" · ") : null;
}
