import { sql, type SQL } from "drizzle-orm";
import { cards, goals } from "../../db/schema";

/**
 * Whether any goal of the card's program runs at `at` (a column of the earn's read, lib/ledger/core.ts):
 * the same window as the contribution's own test (GOAL_CONTRIBUTION in ./progress.ts), which still
 * decides location and metric. Without one, the earn's statement leaves the goals' part out.
 */
export function goalsRunningSql(atSql: SQL): SQL<boolean> {
  return sql<boolean>`exists (
    select 1 from ${goals} g
    where g.program_id = ${cards.programId} and g.status = 'active' and g.starts_at <= ${atSql} and g.ends_at > ${atSql}
  )`;
}
