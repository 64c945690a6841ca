import { sql } from "drizzle-orm";
import { queryRows, type Executor } from "../../db/client";

/**
 * What one point (or stamp) costs the business, per program, from its reward catalogue: the
 * rewards' values (what giving each costs, in minor units of the program's currency) added up,
 * divided by their prices in points added up — Σ value ÷ Σ cost over the program's active rewards
 * that have a value. A program with no valued reward has no cost per point (null); cashback is
 * money already, so its cost per unit is 1 (one minor unit).
 */
export type PointValue = { programId: string; kind: "points" | "stamps" | "cashback"; currency: string; costPerPoint: number | null };

export async function pointValues(db: Executor, merchantId: string): Promise<Map<string, PointValue>> {
  const rows = await queryRows<{ id: string; kind: PointValue["kind"]; currency: string; value: number | null; cost: number | null }>(
    db,
    sql`select p.id, p.kind, p.currency,
               sum(r.value) filter (where r.value is not null and r.active)::bigint as value,
               sum(r.cost) filter (where r.value is not null and r.active)::bigint as cost
        from programs p left join rewards r on r.program_id = p.id
        where p.merchant_id = ${merchantId}
        group by p.id, p.kind, p.currency`,
  );
  return new Map(
    rows.map((r) => {
      const cost = Number(r.cost ?? 0);
      const costPerPoint = r.kind === "cashback" ? 1 : cost > 0 ? Number(r.value ?? 0) / cost : null;
      return [r.id, { programId: r.id, kind: r.kind, currency: r.currency, costPerPoint }];
    }),
  );
}
