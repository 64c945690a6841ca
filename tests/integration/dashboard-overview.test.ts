import { describe, expect, it } from "vitest";
import { recentActivity } from "@/lib/insights/feed";
import { overview } from "@/lib/insights/overview";
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
    await earn(m.ctx, { cardId: a.id, points: 100 });
    await earn(m.ctx, { cardId: b.id, purchase: { amount: 2599, currency: "USD" } });
    await redeemReward(m.ctx, { cardId: a.id, rewardId: reward.id });

    const owner = await makeUser(m, "owner");
    const data = await overview({ ...m.ctx, actor: owner }, { days: 30 });
    expect(data.totals).toMatchObject({ members: 3, active30: 3, issued: 125, redeemed: 30, liabilityPoints: 95, activePasses: 0, passesInstalled: 0, passesRemoved: 0 });
    expect(data.totals.redemptionRate).toBeCloseTo(30 / 125);
    expect(data.series).toHaveLength(30);
    expect(data.series.at(-1)).toMatchObject({ members: 3, newMembers: 3, issued: 125, redeemed: 30, active: 2 });

    const feed = await recentActivity(m.db, m.merchantId, { showNames: true });
    expect(feed[0]!.text).toMatch(/spent 30 points on a reward/);
  });

  it("counts a finished day once, and today live", async () => {
    const m = await makeMerchant();
    const program = await makeProgram(m);
    const card = await makeCard(m, program.id);
    const owner = await makeUser(m, "owner");
    const yesterday = new Date(Date.now() - 86_400_000);
    await earn({ ...m.ctx, now: () => yesterday }, { cardId: card.id, points: 40 });
    await earn(m.ctx, { cardId: card.id, points: 7 });

    const first = await overview({ ...m.ctx, actor: owner }, { days: 7 });
    expect(first.series.at(-2)).toMatchObject({ issued: 40, active: 1 });
    expect(first.series.at(-1)).toMatchObject({ issued: 7, active: 1 });
    expect(first.totals).toMatchObject({ issued: 47, liabilityPoints: 47 });

    await earn(m.ctx, { cardId: card.id, points: 3 });
    const second = await overview({ ...m.ctx, actor: owner }, { days: 7 });
    expect(second.series.at(-2)).toMatchObject({ issued: 40 });
    expect(second.series.at(-1)).toMatchObject({ issued: 10 });
  });

  it("is a report: partners see it, staff do not", async () => {
    const m = await makeMerchant();
    const partner = await makeUser(m, "partner");
    const staff = await makeUser(m, "staff");
    await expect(overview({ ...m.ctx, actor: partner })).resolves.toMatchObject({ totals: { members: 0, redemptionRate: null } });
    await expect(overview({ ...m.ctx, actor: staff })).rejects.toMatchObject({ code: "forbidden" });
  });
});
