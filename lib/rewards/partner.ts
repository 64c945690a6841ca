import { and, asc, desc, eq, isNotNull, type SQL } from "drizzle-orm";
import { locations, memberships, rewards, users, vouchers } from "../../db/schema";
import { assertCan } from "../auth/permissions";
import type { Ctx } from "../context";

/** Team members with the partner role: whom a reward can belong to. */
export async function listPartners(ctx: Ctx): Promise<{ id: string; name: string }[]> {
  assertCan(ctx.actor, "rewards:write");
  const rows = await ctx.db
    .select({ id: users.id, name: users.name, email: users.email })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.merchantId, ctx.merchantId), eq(memberships.role, "partner")))
    .orderBy(asc(users.email));
  return rows.map((r) => ({ id: r.id, name: r.name || r.email || r.id }));
}

/** One redemption of a partner's reward, as the partner sees it: what and when, never who. */
export type PartnerRedemption = {
  voucherId: string;
  rewardId: string;
  rewardName: string;
  status: "issued" | "redeemed" | "void";
  issuedAt: Date;
  usedAt: Date | null;
  location: string | null;
};

/**
 * Vouchers issued for partner rewards, newest first. A partner sees only the rewards that are
 * theirs; owners and admins see every partner reward's. Nothing names the customer or the card.
 */
export async function listPartnerRedemptions(ctx: Ctx, { limit = 200 }: { limit?: number } = {}): Promise<PartnerRedemption[]> {
  assertCan(ctx.actor, "partner_redemptions:read");
  const mine: SQL =
    ctx.actor.type === "user" && ctx.actor.role === "partner" ? eq(rewards.partnerUserId, ctx.actor.id) : isNotNull(rewards.partnerUserId);
  return ctx.db
    .select({
      voucherId: vouchers.id,
      rewardId: rewards.id,
      rewardName: rewards.name,
      status: vouchers.status,
      issuedAt: vouchers.createdAt,
      usedAt: vouchers.redeemedAt,
      location: locations.name,
    })
    .from(vouchers)
    .innerJoin(rewards, eq(rewards.id, vouchers.rewardId))
    .leftJoin(locations, eq(locations.id, vouchers.redeemedLocationId))
    .where(and(eq(vouchers.merchantId, ctx.merchantId), eq(rewards.merchantId, ctx.merchantId), mine))
    .orderBy(desc(vouchers.createdAt), desc(vouchers.id))
    .limit(Math.min(Math.max(1, limit), 500));
}
