import { describe, expect, it } from "vitest";
import { restrictionSummary, rewardUnavailable } from "@/lib/rewards/availability";

const reward = (over: Partial<Parameters<typeof rewardUnavailable>[0]> = {}) => ({
  name: "Mug",
  inventory: null,
  eligibleTiers: [] as string[],
  availableFrom: null as Date | null,
  availableUntil: null as Date | null,
  ...over,
});
const at = new Date("2026-11-30T12:00:00Z");

describe("reward availability", () => {
  it("is open to everyone, any time, when nothing limits it", () => {
    expect(rewardUnavailable(reward(), { tier: null }, at)).toBeNull();
    expect(restrictionSummary(reward())).toBeNull();
  });

  it("names the tiers a card lacks, and a card without a tier has none of them", () => {
    expect(rewardUnavailable(reward({ eligibleTiers: ["Gold"] }), { tier: "Silver" }, at)).toEqual({ reason: "tier", message: "Gold members only" });
    expect(rewardUnavailable(reward({ eligibleTiers: ["Gold", "Platinum"] }), { tier: null }, at)?.message).toBe("Gold or Platinum members only");
    expect(rewardUnavailable(reward({ eligibleTiers: ["Gold", "Platinum"] }), { tier: "Platinum" }, at)).toBeNull();
  });

  it("opens at availableFrom and closes at availableUntil (exclusive), shown as the last day", () => {
    const from = new Date("2026-12-01T00:00:00Z");
    const until = new Date("2026-12-25T00:00:00Z");
    expect(rewardUnavailable(reward({ availableFrom: from }), { tier: null }, at)).toEqual({ reason: "not_yet", message: "From 1 Dec" });
    expect(rewardUnavailable(reward({ availableFrom: from }), { tier: null }, from)).toBeNull();
    expect(rewardUnavailable(reward({ availableUntil: until }), { tier: null }, until)).toEqual({ reason: "ended", message: "Ended 24 Dec" });
    expect(restrictionSummary(reward({ eligibleTiers: ["Gold"], availableFrom: from, availableUntil: until }))).toBe("Gold members only · 1 Dec – 24 Dec");
  });

  it("is out of stock at zero", () => {
    expect(rewardUnavailable(reward({ inventory: 0 }), { tier: null }, at)?.reason).toBe("out_of_stock");
    expect(rewardUnavailable(reward({ inventory: 1 }), { tier: null }, at)).toBeNull();
  });
});
