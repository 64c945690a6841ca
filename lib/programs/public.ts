import { eq } from "drizzle-orm";
import type { Executor } from "../../db/client";
import { merchants, programs, type Merchant, type Program } from "../../db/schema";

/** A program as the public join page and poster show it (any merchant's; the id is in the link). */
export async function loadPublicProgram(db: Executor, programId: string): Promise<{ program: Program; merchant: Merchant } | null> {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(programId)) return null;
  const [row] = await db
    .select({ program: programs, merchant: merchants })
    .from(programs)
    .innerJoin(merchants, eq(merchants.id, programs.merchantId))
    .where(eq(programs.id, programId));
  return row ?? null;
}
