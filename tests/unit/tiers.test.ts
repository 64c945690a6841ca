import { describe, expect, it } from "vitest";
import { nextTier, tierFor, TierLadder } from "@/lib/tiers/schema";

const ladder = TierLadder.parse({
  windowDays: 365,
  levels: [
    { name: "Bronze", threshold: 0 },
    { name: "Silver", threshold: 500, multiplier: 1.25 },
    { name: "Gold", threshold: 2000, multiplier: 1.5 },
  ],
});

describe("tier ladder", () => {
  it("puts points in the highest level they reach", () => {
    expect(tierFor(ladder, 0)?.name).toBe("Bronze");
    expect(tierFor(ladder, 499)?.name).toBe("Bronze");
    expect(tierFor(ladder, 500)?.name).toBe("Silver");
    expect(tierFor(ladder, 1999)?.name).toBe("Silver");
    expect(tierFor(ladder, 2000)?.name).toBe("Gold");
    expect(tierFor(ladder, 1_000_000)?.name).toBe("Gold");
  });

  it("below the first threshold there is no tier, and no ladder means no tier", () => {
    const noBase = TierLadder.parse({ levels: [{ name: "VIP", threshold: 100 }] });
    expect(tierFor(noBase, 99)).toBeNull();
    expect(tierFor(null, 10_000)).toBeNull();
  });

  it("names the next level and its threshold", () => {
    expect(nextTier(ladder, 0)?.name).toBe("Silver");
    expect(nextTier(ladder, 500)?.name).toBe("Gold");
    expect(nextTier(ladder, 2000)).toBeNull();
  });

  it("defaults the window to a year and the multiplier to 1", () => {
    const parsed = TierLadder.parse({ levels: [{ name: "Member", threshold: 0 }] });
    expect(parsed.windowDays).toBe(365);
    expect(parsed.levels[0]!.multiplier).toBe(1);
  });

  it("refuses thresholds that do not rise, duplicate names, and an empty ladder", () => {
    const flat = TierLadder.safeParse({ levels: [{ name: "A", threshold: 100 }, { name: "B", threshold: 100 }] });
    expect(flat.success).toBe(false);
    expect(flat.error?.issues[0]?.message).toBe("tier thresholds must rise strictly");
    expect(TierLadder.safeParse({ levels: [{ name: "A", threshold: 100 }, { name: "B", threshold: 50 }] }).success).toBe(false);
    const dup = TierLadder.safeParse({ levels: [{ name: "A", threshold: 0 }, { name: "A", threshold: 50 }] });
    expect(dup.error?.issues.map((i) => i.message)).toContain("tier names must be unique");
    expect(TierLadder.safeParse({ levels: [] }).success).toBe(false);
    expect(TierLadder.safeParse({ levels: [{ name: "A", threshold: 0, multiplier: 0 }] }).success).toBe(false);
  });
});
