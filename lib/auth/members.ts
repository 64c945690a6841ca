import { asc, eq } from "drizzle-orm";
import type { Executor } from "../../db/client";
import { memberships, merchants, type Role } from "../../db/schema";

export type Membership = { merchantId: string; merchantName: string; brandColor: string; logoUrl: string | null; role: Role; requireTwoFactor: boolean };
export type SessionUser = { id: string; email: string | null; name: string | null };

/** Every business the user belongs to, oldest membership first. */
export async function membershipsOf(db: Executor, userId: string): Promise<Membership[]> {
  return db
    .select({ merchantId: merchants.id, merchantName: merchants.name, brandColor: merchants.brandColor, logoUrl: merchants.logoUrl, role: memberships.role, requireTwoFactor: merchants.requireTwoFactor })
    .from(memberships)
    .innerJoin(merchants, eq(merchants.id, memberships.merchantId))
    .where(eq(memberships.userId, userId))
    .orderBy(asc(memberships.createdAt), asc(memberships.id));
}

/**
 * The membership to act under: the one the user picked (a cookie holds the merchant id) when they
 * still belong to it, else their first. Null when they belong to no business yet.
 */
export function pickMembership(all: Membership[], preferredMerchantId: string | undefined): Membership | null {
  return all.find((m) => m.merchantId === preferredMerchantId) ?? all[0] ?? null;
}
