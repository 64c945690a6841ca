import { z } from "zod";
import { lifecycleSettings, type LifecycleSettings } from "../../db/schema";
import { audit } from "../audit/log";
import { assertCan } from "../auth/permissions";
import { withTransaction, type Ctx } from "../context";
import { EntityId } from "../ids";
import { loadProgram } from "../programs/verbs";

export const LifecycleInput = z
  .object({
    programId: EntityId,
    birthdayBonus: z.int().min(0).max(1_000_000).default(0),
    referrerBonus: z.int().min(0).max(1_000_000).default(0),
    refereeBonus: z.int().min(0).max(1_000_000).default(0),
    winbackDays: z.int().min(7).max(3650).nullable().default(null),
    winbackBonus: z.int().min(0).max(1_000_000).default(0),
  })
  .strict();
export type LifecycleInput = z.input<typeof LifecycleInput>;

/** Sets a program's birthday, referral and win-back bonuses (0 switches one off). */
export async function setLifecycle(ctx: Ctx, raw: LifecycleInput): Promise<LifecycleSettings> {
  assertCan(ctx.actor, "campaigns:write");
  const input = LifecycleInput.parse(raw);
  return withTransaction(ctx, async (tx) => {
    await loadProgram(tx, input.programId);
    const values = { ...input, merchantId: ctx.merchantId, updatedAt: new Date() };
    const [row] = await tx.db.insert(lifecycleSettings).values(values).onConflictDoUpdate({ target: lifecycleSettings.programId, set: values }).returning();
    await audit(tx.db, ctx.merchantId, ctx.actor, "lifecycle.updated", { type: "program", id: input.programId }, input);
    return row!;
  });
}
