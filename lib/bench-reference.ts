import { sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { newId } from "./ids";

/**
 * The earn benchmark's baseline (POST /api/bench/reference): a bare two-statement transaction,
 * update a balance and insert a row, with no auth, rules or checks. Kept this bare on purpose; it
 * is what an earn is measured against.
 */
export async function benchReferenceWrite(db: Db, cardId: string): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.execute(sql`update cards set balance = balance + 1 where id = ${cardId}`);
    await tx.execute(
      sql`insert into audit_log (id, merchant_id, actor_type, action, target_type, target_id) values (${newId("aud")}, 'bench', 'system', 'bench.reference', 'card', ${cardId})`,
    );
  });
}
