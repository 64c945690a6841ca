import { and, desc, eq, inArray, or, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { cards, customers, referrals, type ReferralStatus } from "../../db/schema";
import { assertCan } from "../auth/permissions";
import type { Ctx } from "../context";
import { EntityId } from "../ids";

export type LeaderboardRow = {
  cardId: string;
  customerId: string;
  name: string;
  referred: number;
  credited: number;
  pending: number;
  /** What the referrer was paid for them, in the program's unit. */
  points: number;
};

const shown = (c: { name: string | null; email: string; erasedAt: Date | null }) => (c.erasedAt ? "Erased customer" : (c.name ?? c.email));

/** The program's top referrers: most credited referrals first, then most referred. */
export async function referralLeaderboard(ctx: Ctx, params: { programId: string; limit?: number }): Promise<LeaderboardRow[]> {
  assertCan(ctx.actor, "customers:read");
  const programId = EntityId.parse(params.programId);
  const credited = sql<number>`count(*) filter (where ${referrals.status} = 'credited')::int`;
  const rows = await ctx.db
    .select({
      cardId: referrals.referrerCardId,
      customerId: customers.id,
      name: customers.name,
      email: customers.email,
      erasedAt: customers.erasedAt,
      referred: sql<number>`count(*) filter (where ${referrals.status} <> 'refused')::int`,
      credited,
      pending: sql<number>`count(*) filter (where ${referrals.status} = 'pending')::int`,
      points: sql<number>`coalesce(sum(${referrals.referrerPoints}), 0)::int`,
    })
    .from(referrals)
    .innerJoin(cards, eq(cards.id, referrals.referrerCardId))
    .innerJoin(customers, eq(customers.id, cards.customerId))
    .where(and(eq(referrals.merchantId, ctx.merchantId), eq(referrals.programId, programId)))
    .groupBy(referrals.referrerCardId, customers.id)
    .having(sql`count(*) filter (where ${referrals.status} <> 'refused') > 0`)
    .orderBy(desc(credited), desc(sql`count(*)`), referrals.referrerCardId)
    .limit(params.limit ?? 10);
  return rows.map((r) => ({ cardId: r.cardId, customerId: r.customerId, name: shown(r), referred: Number(r.referred), credited: Number(r.credited), pending: Number(r.pending), points: Number(r.points) }));
}

export type CardReferral = {
  id: string;
  /** "by": this card was referred by the other member; "of": this card referred the other member. */
  direction: "by" | "of";
  cardId: string;
  otherCardId: string;
  otherCustomerId: string;
  otherName: string;
  status: ReferralStatus;
  reason: string | null;
  /** What this card got from it. */
  points: number;
  createdAt: Date;
  creditedAt: Date | null;
};

/** Referrals of the given cards, both ways: who referred them and whom they referred, newest first. */
export async function cardReferrals(ctx: Ctx, cardIds: string[]): Promise<CardReferral[]> {
  assertCan(ctx.actor, "customers:read");
  if (cardIds.length === 0) return [];
  const other = alias(cards, "other_card");
  const rows = await ctx.db
    .select({ referral: referrals, otherCard: other.id, customer: { id: customers.id, name: customers.name, email: customers.email, erasedAt: customers.erasedAt } })
    .from(referrals)
    .innerJoin(other, sql`${other.id} = case when ${inArray(referrals.refereeCardId, cardIds)} then ${referrals.referrerCardId} else ${referrals.refereeCardId} end`)
    .innerJoin(customers, eq(customers.id, other.customerId))
    .where(and(eq(referrals.merchantId, ctx.merchantId), or(inArray(referrals.refereeCardId, cardIds), inArray(referrals.referrerCardId, cardIds))))
    .orderBy(desc(referrals.createdAt))
    .limit(200);
  return rows.map(({ referral: r, otherCard, customer }) => {
    const by = cardIds.includes(r.refereeCardId);
    return {
      id: r.id,
      direction: by ? "by" : "of",
      cardId: by ? r.refereeCardId : r.referrerCardId,
      otherCardId: otherCard,
      otherCustomerId: customer.id,
      otherName: shown(customer),
      status: r.status,
      reason: r.reason,
      points: by ? r.refereePoints : r.referrerPoints,
      createdAt: r.createdAt,
      creditedAt: r.creditedAt,
    };
  });
}
