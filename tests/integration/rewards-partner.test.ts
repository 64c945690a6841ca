import { describe, expect, it } from "vitest";
import { pageAccess } from "@/lib/auth/routes";
import { isAppError } from "@/lib/errors";
import { earn } from "@/lib/ledger/earn";
import { listPartnerRedemptions } from "@/lib/rewards/partner";
import { redeemReward } from "@/lib/rewards/redeem";
import { createReward, updateReward } from "@/lib/rewards/verbs";
import { redeemVoucher } from "@/lib/vouchers/redeem";
import { makeCard, makeMerchant, makeProgram, makeUser } from "../support/fixtures";

const code = (e: unknown) => (isAppError(e) ? e.code : e);

describe("partner rewards", () => {
  it("a partner sees the redemptions of their own rewards only, and nothing that names the customer", async () => {
    const m = await makeMerchant();
    const program = await makeProgram(m);
    const [p1, p2, owner, marketer, staff] = await Promise.all([makeUser(m, "partner"), makeUser(m, "partner"), makeUser(m, "owner"), makeUser(m, "marketer"), makeUser(m, "staff")]);
    const cinema = await createReward(m.ctx, { programId: program.id, name: "Cinema ticket", cost: 10, partnerUserId: p1.id });
    const spa = await createReward(m.ctx, { programId: program.id, name: "Spa voucher", cost: 10, partnerUserId: p2.id });
    const coffee = await createReward(m.ctx, { programId: program.id, name: "Coffee", cost: 10 });
    const card = await makeCard(m, program.id, "ada@example.test");
    await earn(m.ctx, { cardId: card.id, points: 100 });
    const { voucher } = await redeemReward(m.ctx, { cardId: card.id, rewardId: cinema.id });
    await redeemReward(m.ctx, { cardId: card.id, rewardId: spa.id });
    await redeemReward(m.ctx, { cardId: card.id, rewardId: coffee.id });
    await redeemVoucher(m.ctx, { code: voucher.code });

    const mine = await listPartnerRedemptions({ ...m.ctx, actor: p1 });
    expect(mine).toEqual([{ voucherId: voucher.id, rewardId: cinema.id, rewardName: "Cinema ticket", status: "redeemed", issuedAt: expect.any(Date), usedAt: expect.any(Date), location: null }]);
    expect(JSON.stringify(mine)).not.toMatch(/ada@|cus_|crd_|[A-Z0-9]{4}-[A-Z0-9]{4}/);
    expect((await listPartnerRedemptions({ ...m.ctx, actor: p2 })).map((r) => r.rewardName)).toEqual(["Spa voucher"]);
    expect((await listPartnerRedemptions({ ...m.ctx, actor: owner })).map((r) => r.rewardName).sort()).toEqual(["Cinema ticket", "Spa voucher"]);
    for (const actor of [marketer, staff]) expect(code(await listPartnerRedemptions({ ...m.ctx, actor }).catch((e: unknown) => e))).toBe("forbidden");

    // Another business's partner sees nothing of this one.
    const other = await makeMerchant();
    const outsider = await makeUser(other, "partner");
    expect(await listPartnerRedemptions({ ...other.ctx, actor: outsider })).toEqual([]);
  });

  it("opens the partner page to partners, owners and admins only", () => {
    expect(pageAccess(true, "partner", "/dashboard/partner").kind).toBe("ok");
    expect(pageAccess(true, "admin", "/dashboard/partner").kind).toBe("ok");
    expect(pageAccess(true, "marketer", "/dashboard/partner").kind).toBe("denied");
    expect(pageAccess(true, "staff", "/dashboard/partner").kind).toBe("scanner");
    // And still none of the customer pages.
    expect(pageAccess(true, "partner", "/dashboard/members").kind).toBe("denied");
  });

  it("a reward belongs only to a member of this business with the partner role", async () => {
    const m = await makeMerchant();
    const program = await makeProgram(m);
    const marketer = await makeUser(m, "marketer");
    const other = await makeMerchant();
    const theirs = await makeUser(other, "partner");
    for (const partnerUserId of [marketer.id, theirs.id, "no-such-user"]) {
      const error = await createReward(m.ctx, { programId: program.id, name: "X", cost: 1, partnerUserId }).catch((e: unknown) => e);
      expect(isAppError(error) && error.errors).toEqual([{ path: "partnerUserId", message: "is not a team member with the partner role" }]);
    }
    const partner = await makeUser(m, "partner");
    const reward = await createReward(m.ctx, { programId: program.id, name: "X", cost: 1 });
    expect((await updateReward(m.ctx, { rewardId: reward.id, partnerUserId: partner.id })).partnerUserId).toBe(partner.id);
    // A partner changes no reward, not even their own.
    expect(code(await updateReward({ ...m.ctx, actor: partner }, { rewardId: reward.id, cost: 2 }).catch((e: unknown) => e))).toBe("forbidden");
  });
});
