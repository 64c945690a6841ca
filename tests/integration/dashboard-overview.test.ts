import { describe, expect, it } from "vitest";
import { recentActivity } from "@/lib/dashboard/feed";
import { overview } from "@/lib/dashboard/overview";
import { earn } from "@/lib/ledger/earn";
import { redeemReward } from "@/lib/rewards/redeem";
import { makeCard, makeMerchant, makeProgram, makeReward, makeUser } from "../support/fixtures";

describe("dashboard overview", () => {
  it("counts members, activity, points issued and redeemed, and what is still owed", async () => {
    const m = await makeMerchant({ timezone: "America/New_York" });
    const program = await makeProgram(m);
    const reward = await makeReward(m, program.id, 30);
    const a = await makeCard(m, program.id);
    const b = await makeCard(m, program.id);
    await makeCard(m, program.id);
    await earn(m.ctx, a.id, { points: 100 });
    await earn(m.ctx, b.id, { purchase: { amount: 2599, currency: "USD" } });
    await redeemReward(m.ctx, a.id, { rewardId: reward.id });

    const owner = await makeUser(m, "owner");
    const data = await overview({ ...m.ctx, actor: owner }, { days: 30 });
    expect(data.totals).toMatchObject({ members: 3, active30: 3, issued: 125, redeemed: 30, liabilityPoints: 95, walletSaves: 0 });
    expect(data.totals.redemptionRate).toBeCloseTo(30 / 125);
    expect(data.series).toHaveLength(30);
    expect(data.series.at(-1)).toMatchObject({ members: 3, newMembers: 3, issued: 125, redeemed: 30, active: 2 });

    const feed = await recentActivity(m.db, m.merchantId);
    expect(feed[0]!.text).toMatch(/spent 30 points on a reward/);
  });

  it("is a report: partners see it, staff do not", async () => {
    const m = await makeMerchant();
    const partner = await makeUser(m, "partner");
    const staff = await makeUser(m, "staff");
    await expect(overview({ ...m.ctx, actor: partner })).resolves.toMatchObject({ totals: { members: 0, redemptionRate: null } });
    await expect(overview({ ...m.ctx, actor: staff })).rejects.toMatchObject({ code: "forbidden" });
  });
});
