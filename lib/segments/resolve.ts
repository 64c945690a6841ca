import { and, eq, sql } from "drizzle-orm";
import { queryRows, type Executor } from "../../db/client";
import { segments } from "../../db/schema";
import { notFound } from "../errors";
import { segmentCardsSql } from "./sql";
import { segmentEnv, storedDefinition } from "./verbs";

/**
 * The card ids of a saved segment right now (active cards of customers not erased, the merchant's
 * only), sorted. For jobs and verbs that act on a segment (vouchers, campaigns): the caller has
 * checked its own permission; `tx` is a transaction or database, or a ctx holding one.
 * `programId` narrows to one program's cards.
 */
export async function resolveSegmentCardIds(
  tx: Executor | { db: Executor; now?: () => Date },
  { merchantId, segmentId, programId, at }: { merchantId: string; segmentId: string; programId?: string; at?: Date },
): Promise<string[]> {
  const db = "db" in tx && typeof (tx as { db?: unknown }).db === "object" ? (tx as { db: Executor }).db : (tx as Executor);
  const clock = "now" in tx && typeof tx.now === "function" ? tx.now() : new Date();
  const [segment] = await db
    .select()
    .from(segments)
    .where(and(eq(segments.id, segmentId), eq(segments.merchantId, merchantId)));
  if (!segment) throw notFound("Segment");
  const env = { ...(await segmentEnv(db, merchantId, at ?? clock)), merchantId, programId };
  const rows = await queryRows<{ id: string }>(db, sql`${segmentCardsSql(storedDefinition(segment), env)} order by c.id`);
  return rows.map((r) => r.id);
}
