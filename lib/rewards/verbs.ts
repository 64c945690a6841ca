import { and, asc, eq } from "drizzle-orm";
import { z } from "zod";
import { rewards, type Reward } from "../../db/schema";
import { audit } from "../audit/log";
import { assertCan } from "../auth/permissions";
import { withTransaction, type Ctx } from "../context";
import { notFound } from "../errors";
import { EntityId, newId } from "../ids";
import { recordEvents } from "../outbox";
import { getProgram, loadProgram } from "../programs/verbs";
import { SafeMultilineText, SafeText } from "../input";

export const CreateRewardInput = z
  .object({
    programId: EntityId,
    name: SafeText.trim().min(1).max(80),
    description: SafeMultilineText.max(500).optional(),
    cost: z.int().positive().max(10_000_000).describe("Points (or stamps) it costs."),
    inventory: z.int().min(0).max(10_000_000).nullable().optional().describe("Stock; null or absent for unlimited."),
  })
  .strict();
export type CreateRewardInput = z.infer<typeof CreateRewardInput>;

export const UpdateRewardInput = CreateRewardInput.omit({ programId: true }).partial().extend({ active: z.boolean().optional() }).strict();
export type UpdateRewardInput = z.infer<typeof UpdateRewardInput>;

export async function createReward(ctx: Ctx, raw: z.input<typeof CreateRewardInput>): Promise<Reward> {
  assertCan(ctx.actor, "rewards:write");
  const input = CreateRewardInput.parse(raw);
  return withTransaction(ctx, async (tx) => {
    await getProgram(tx, input.programId);
    const [reward] = await tx.db
      .insert(rewards)
      .values({ id: newId("rwd"), merchantId: ctx.merchantId, ...input, inventory: input.inventory ?? null })
      .returning();
    await audit(tx.db, ctx.merchantId, ctx.actor, "reward.created", { type: "reward", id: reward!.id }, { name: input.name, cost: input.cost });
    await recordEvents(tx.db, ctx.merchantId, [{ type: "reward.changed", payload: { rewardId: reward!.id, programId: input.programId } }]);
    return reward!;
  });
}

const RewardPatch = UpdateRewardInput.extend({ rewardId: EntityId });

export async function updateReward(ctx: Ctx, raw: z.input<typeof RewardPatch>): Promise<Reward> {
  assertCan(ctx.actor, "rewards:write");
  const { rewardId, ...input } = RewardPatch.parse(raw);
  return withTransaction(ctx, async (tx) => {
    const [reward] = await tx.db
      .update(rewards)
      .set(input)
      .where(and(eq(rewards.id, rewardId), eq(rewards.merchantId, ctx.merchantId)))
      .returning();
    if (!reward) throw notFound("Reward");
    await audit(tx.db, ctx.merchantId, ctx.actor, "reward.updated", { type: "reward", id: rewardId }, input);
    await recordEvents(tx.db, ctx.merchantId, [{ type: "reward.changed", payload: { rewardId, programId: reward.programId } }]);
    return reward;
  });
}

export const ListRewardsInput = z.object({ programId: EntityId.optional().describe("Only this program's rewards") });
export type ListRewardsInput = z.infer<typeof ListRewardsInput>;

export async function listRewards(ctx: Ctx, { programId }: ListRewardsInput = {}): Promise<Reward[]> {
  assertCan(ctx.actor, "programs:read");
  // A program that is not this business's is "not found", like every other id: never an empty list.
  if (programId) await loadProgram(ctx, programId);
  const where = programId
    ? and(eq(rewards.merchantId, ctx.merchantId), eq(rewards.programId, programId))
    : eq(rewards.merchantId, ctx.merchantId);
  return ctx.db.select().from(rewards).where(where).orderBy(asc(rewards.cost), asc(rewards.id));
}
