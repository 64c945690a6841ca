import { and, asc, eq } from "drizzle-orm";
import { z } from "zod";
import { memberships, rewards, type Program, type Reward } from "../../db/schema";
import { audit } from "../audit/log";
import { assertCan } from "../auth/permissions";
import { withTransaction, type Ctx, type TxCtx } from "../context";
import { AppError, notFound } from "../errors";
import { EntityId, newId } from "../ids";
import { recordEvents } from "../outbox";
import { getProgram, loadProgram } from "../programs/verbs";
import { SafeMultilineText, SafeText } from "../input";
import { RewardImageDataUrl, decodeRewardImage, storeRewardImage } from "./images";

const Instant = z.iso.datetime({ offset: true });

export const CreateRewardInput = z
  .object({
    programId: EntityId,
    name: SafeText.trim().min(1).max(80),
    description: SafeMultilineText.max(500).optional(),
    cost: z.int().positive().max(10_000_000).describe("Points (or stamps) it costs."),
    value: z
      .int("an amount such as 0.90")
      .min(0, "an amount such as 0.90")
      .max(1_000_000_000)
      .nullable()
      .optional()
      .describe("What giving it costs the business, in minor units of the program's currency; values outstanding points in insights. Null or absent: not told."),
    inventory: z.int().min(0).max(10_000_000).nullable().optional().describe("Stock; null or absent for unlimited."),
    eligibleTiers: z
      .array(SafeText.min(1).max(40))
      .max(10)
      .optional()
      .describe("Names of the program's tiers whose members may redeem it; empty or absent: every member."),
    availableFrom: Instant.nullable().optional().describe("From when it can be redeemed (ISO 8601); null: already open."),
    availableUntil: Instant.nullable().optional().describe("Until when it can be redeemed (ISO 8601, exclusive); null: no end."),
    image: RewardImageDataUrl.nullable().optional(),
    partnerUserId: z.string().min(1).max(64).nullable().optional().describe("A team member with the partner role whose reward it is; they see its redemptions."),
  })
  .strict();
export type CreateRewardInput = z.infer<typeof CreateRewardInput>;

export const UpdateRewardInput = CreateRewardInput.omit({ programId: true }).partial().extend({ active: z.boolean().optional() }).strict();
export type UpdateRewardInput = z.infer<typeof UpdateRewardInput>;

const invalid = (path: string, message: string) => new AppError("invalid", `${path}: ${message}`, { errors: [{ path, message }] });

type Restrictions = Pick<Reward, "eligibleTiers" | "availableFrom" | "availableUntil" | "imageHash" | "partnerUserId">;
type RestrictionInput = Pick<UpdateRewardInput, "eligibleTiers" | "availableFrom" | "availableUntil" | "image" | "partnerUserId">;

/** Checks tiers against the program's ladder, the window's order and the partner; stores a new picture. */
async function restrictions(tx: TxCtx, program: Program, input: RestrictionInput, before: Restrictions | null): Promise<Partial<Restrictions>> {
  const out: Partial<Restrictions> = {};
  if (input.eligibleTiers !== undefined) {
    const known = new Set(program.tiers?.levels.map((l) => l.name) ?? []);
    const unknown = input.eligibleTiers.filter((t) => !known.has(t));
    if (unknown.length > 0) throw invalid("eligibleTiers", `${unknown.join(", ")} ${unknown.length === 1 ? "is not a tier" : "are not tiers"} of this program`);
    out.eligibleTiers = [...new Set(input.eligibleTiers)];
  }
  if (input.availableFrom !== undefined) out.availableFrom = input.availableFrom === null ? null : new Date(input.availableFrom);
  if (input.availableUntil !== undefined) out.availableUntil = input.availableUntil === null ? null : new Date(input.availableUntil);
  const from = out.availableFrom !== undefined ? out.availableFrom : (before?.availableFrom ?? null);
  const until = out.availableUntil !== undefined ? out.availableUntil : (before?.availableUntil ?? null);
  if (from && until && from >= until) throw invalid("availableUntil", "must be after availableFrom");
  if (input.image !== undefined) out.imageHash = input.image === null ? null : await storeRewardImage(tx.db, tx.merchantId, decodeRewardImage(input.image));
  if (input.partnerUserId !== undefined) {
    if (input.partnerUserId !== null) {
      const [member] = await tx.db
        .select({ role: memberships.role })
        .from(memberships)
        .where(and(eq(memberships.merchantId, tx.merchantId), eq(memberships.userId, input.partnerUserId)));
      if (member?.role !== "partner") throw invalid("partnerUserId", "is not a team member with the partner role");
    }
    out.partnerUserId = input.partnerUserId;
  }
  return out;
}

/** What the audit log keeps of a change: the picture by hash, never its bytes. */
function auditable<T extends { image?: string | null }>(input: T) {
  const { image, ...rest } = input;
  return image === undefined ? rest : { ...rest, image: image === null ? "removed" : "changed" };
}

export async function createReward(ctx: Ctx, raw: z.input<typeof CreateRewardInput>): Promise<Reward> {
  assertCan(ctx.actor, "rewards:write");
  const input = CreateRewardInput.parse(raw);
  return withTransaction(ctx, async (tx) => {
    const program = await getProgram(tx, input.programId);
    const limits = await restrictions(tx, program, input, null);
    const [reward] = await tx.db
      .insert(rewards)
      .values({
        id: newId("rwd"),
        merchantId: ctx.merchantId,
        programId: input.programId,
        name: input.name,
        description: input.description,
        cost: input.cost,
        value: input.value ?? null,
        inventory: input.inventory ?? null,
        ...limits,
      })
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
    const [before] = await tx.db
      .select()
      .from(rewards)
      .where(and(eq(rewards.id, rewardId), eq(rewards.merchantId, ctx.merchantId)))
      .for("update");
    if (!before) throw notFound("Reward");
    const program = await getProgram(tx, before.programId);
    const { eligibleTiers: _t, availableFrom: _f, availableUntil: _u, image: _i, partnerUserId: _p, ...plain } = input;
    const limits = await restrictions(tx, program, input, before);
    const [reward] = await tx.db
      .update(rewards)
      .set({ ...plain, ...limits })
      .where(eq(rewards.id, rewardId))
      .returning();
    await audit(tx.db, ctx.merchantId, ctx.actor, "reward.updated", { type: "reward", id: rewardId }, auditable(input));
    await recordEvents(tx.db, ctx.merchantId, [{ type: "reward.changed", payload: { rewardId, programId: reward!.programId } }]);
    return reward!;
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
