import { z } from "zod";
import type { Ctx } from "../context";
import { AppError } from "../errors";

/**
 * What an API key may do. Each /api/v1 operation needs one scope (its contract's `scope`):
 * read — look things up (GET, and POST /scan); earn — enroll customers and award points;
 * redeem — redeem rewards and use vouchers; manage — programs, rewards, adjustments, reversals.
 */
export const API_SCOPES = ["read", "earn", "redeem", "manage"] as const;
export type ApiScope = (typeof API_SCOPES)[number];
export const ApiScope = z.enum(API_SCOPES);

export const SCOPE_LABELS: Record<ApiScope, string> = {
  read: "Read cards, programs and rewards",
  earn: "Enroll customers and award points",
  redeem: "Redeem rewards and use vouchers",
  manage: "Manage programs, rewards, adjustments and reversals",
};

/**
 * The location an earn or redemption happens at. A key bound to a location uses its own when the
 * request names none and may not act at another (403); anyone else gets what they asked for.
 */
export function boundLocation(ctx: Pick<Ctx, "actor">, requested: string | undefined): string | undefined {
  const bound = ctx.actor.type === "api_key" ? ctx.actor.locationId : undefined;
  if (!bound) return requested;
  if (requested !== undefined && requested !== bound) {
    throw new AppError("forbidden", `This API key is bound to location ${bound}; it cannot act at location ${requested}.`);
  }
  return bound;
}
