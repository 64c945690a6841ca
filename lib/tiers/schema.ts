import { z } from "zod";
import { SafeText } from "../input";

export const TierLadder = z
  .object({
    // Points earned over this many days decide the tier.
    windowDays: z.int().min(1).max(3650).default(365),
    levels: z
      .array(
        z.object({
          name: SafeText.min(1).max(40),
          threshold: z.int().min(0),
          multiplier: z.number().positive().max(100).default(1),
        }),
      )
      .min(1)
      .max(10),
  })
  .refine((l) => l.levels.every((lv, i) => i === 0 || lv.threshold > l.levels[i - 1]!.threshold), {
    message: "tier thresholds must rise strictly",
    path: ["levels"],
  })
  .refine((l) => new Set(l.levels.map((lv) => lv.name)).size === l.levels.length, { message: "tier names must be unique", path: ["levels"] });

export type TierLadder = z.infer<typeof TierLadder>;

/** The highest level whose threshold the points reach, or null below the first. */
export function tierFor(ladder: TierLadder | null, earnedInWindow: number): TierLadder["levels"][number] | null {
  if (!ladder) return null;
  let found: TierLadder["levels"][number] | null = null;
  for (const level of ladder.levels) if (earnedInWindow >= level.threshold) found = level;
  return found;
}

export function nextTier(ladder: TierLadder | null, earnedInWindow: number) {
  return ladder?.levels.find((l) => l.threshold > earnedInWindow) ?? null;
}
