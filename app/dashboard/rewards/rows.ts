import type { Program, Reward } from "@/db/schema";
import { restrictionSummary } from "@/lib/rewards/availability";
import { rewardImagePath } from "@/lib/rewards/images";

/** A reward as the dashboard's table and form need it (plain values, safe to hand to a client component). */
export type RewardRow = {
  id: string;
  programId: string;
  programName: string;
  name: string;
  cost: number;
  /** What giving it costs the business, in minor units of the program's currency. */
  value: number | null;
  inventory: number | null;
  active: boolean;
  eligibleTiers: string[];
  availableFrom: string | null;
  availableUntil: string | null;
  imagePath: string | null;
  partnerUserId: string | null;
  /** "Gold members only · 1 Dec – 24 Dec", or null for everyone, any time. */
  limits: string | null;
};

export function rewardRow(r: Reward, programName: string): RewardRow {
  return {
    id: r.id,
    programId: r.programId,
    programName,
    name: r.name,
    cost: r.cost,
    value: r.value,
    inventory: r.inventory,
    active: r.active,
    eligibleTiers: r.eligibleTiers,
    availableFrom: r.availableFrom?.toISOString() ?? null,
    availableUntil: r.availableUntil?.toISOString() ?? null,
    imagePath: r.imageHash ? rewardImagePath(r.imageHash) : null,
    partnerUserId: r.partnerUserId,
    limits: restrictionSummary(r),
  };
}

/** A program as the reward form needs it: its tiers' names for the "open to tiers" choice. */
export function programOption(p: Pick<Program, "id" | "name" | "kind" | "tiers" | "currency">) {
  return { id: p.id, name: p.name, kind: p.kind, currency: p.currency, tiers: p.tiers?.levels.map((l) => l.name) ?? [] };
}
