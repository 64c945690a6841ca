import { sql, type SQL } from "drizzle-orm";
import { cards, goals } from "../../db/schema";

/**
 * A goal `g` running at `at`: active, and `at` inside its window. The one test of both the earn's read
 * (goalsRunningSql) and the contribution itself (GOAL_CONTRIBUTION in ./progress.ts), so they agree.
 */
export const goalRunsAt = (at: SQL): SQL => sql`g.status = 'active' and g.starts_at <= ${at} and g.ends_at > ${at}`;

/**
 * Whether any goal of the card's program runs at `at` (a column of the earn's read, lib/ledger/core.ts);
 * the contribution still decides location and metric. Without one, the earn's statement leaves the
 * goals' part out.
 */
export function goalsRunningSql(at: SQL): SQL<boolean> {
  return sql<boolean>`exists (select 1 from ${goals} g where g.program_id = ${cards.programId} and ${goalRunsAt(at)})`;
}
