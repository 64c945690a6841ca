import { count, eq } from "drizzle-orm";
import { cards } from "../../db/schema";
import { assertCan } from "../auth/permissions";
import type { Ctx } from "../context";

/** Cards per program, for the programs list. */
export async function programMemberCounts(ctx: Ctx): Promise<Map<string, number>> {
  assertCan(ctx.actor, "programs:read");
  const rows = await ctx.db.select({ programId: cards.programId, n: count() }).from(cards).where(eq(cards.merchantId, ctx.merchantId)).groupBy(cards.programId);
  return new Map(rows.map((r) => [r.programId, Number(r.n)]));
}
