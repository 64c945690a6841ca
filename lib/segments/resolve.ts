import { and, eq } from "drizzle-orm";
import { segmentMembers, segments } from "../../db/schema";
import type { Executor } from "../../db/client";
import { notFound } from "../errors";

/**
 * The card ids of a saved segment of the merchant, as they are now. Another business's segment (or
 * an unknown id) is `not_found`. `tx` is the caller's transaction (or the database).
 */
export async function resolveSegmentCardIds(tx: Executor, { merchantId, segmentId }: { merchantId: string; segmentId: string }): Promise<string[]> {
  const [segment] = await tx
    .select({ id: segments.id })
    .from(segments)
    .where(and(eq(segments.id, segmentId), eq(segments.merchantId, merchantId)));
  if (!segment) throw notFound("Segment");
  const rows = await tx.select({ cardId: segmentMembers.cardId }).from(segmentMembers).where(eq(segmentMembers.segmentId, segmentId));
  return rows.map((r) => r.cardId);
}
