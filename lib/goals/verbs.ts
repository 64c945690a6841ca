import { and, desc, eq, sql } from "drizzle-orm";
import { z } from "zod";
import { goalParticipants, goals, locations, rewards, type Goal, type Program } from "../../db/schema";
import { audit } from "../audit/log";
import { assertCan, can } from "../auth/permissions";
import { zonedToUtc } from "../campaigns/time";
import { now, withTransaction, type Ctx } from "../context";
import { AppError, notFound } from "../errors";
import { EntityId, newId } from "../ids";
import { SafeText } from "../input";
import { merchantOf } from "../merchants/verbs";
import { loadProgram } from "../programs/verbs";

const localDateTime = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2})?$/, "a date and time, such as 2025-06-01T09:00")
  .describe("Wall-clock time in the merchant's time zone, or an ISO instant with an offset.");

export const GoalMetric = z.enum(["visits", "earned", "spend"]).describe("visits: one per earn; earned: points, stamps or cashback earned; spend: purchase amounts in minor units");

export const GoalReward = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("points"), points: z.int().min(1).max(1_000_000).describe("Points (stamps, cashback minor units) for each participant.") }),
  z.object({ kind: z.literal("voucher"), rewardId: EntityId.describe("A reward of the program's catalogue, issued to each participant as a voucher.") }),
]);

export const GoalInput = z
  .object({
    programId: EntityId,
    locationId: EntityId.nullable().optional().describe("Count only earns at this location; none: every earn of the program."),
    name: SafeText.trim().min(1).max(80),
    metric: GoalMetric,
    target: z.int().min(1).max(1_000_000_000),
    startsAt: localDateTime,
    endsAt: localDateTime,
    reward: GoalReward,
  })
  .strict();
export type GoalInput = z.input<typeof GoalInput>;

/** What may change on a goal that is still running: its name, target, end and reward (not what it counts). */
export const UpdateGoalInput = z
  .object({
    goalId: EntityId,
    name: SafeText.trim().min(1).max(80).optional(),
    target: z.int().min(1).max(1_000_000_000).optional(),
    endsAt: localDateTime.optional(),
    reward: GoalReward.optional(),
  })
  .strict();

export const GoalRef = z.object({ goalId: EntityId }).strict();

/** A goal with its progress (the sum of contributions) and how many took part and were rewarded. */
export type GoalSummary = Goal & { progress: number; participants: number; rewarded: number };

const summaryColumns = {
  progress: sql<number>`coalesce((select sum(gp.contribution) from goal_participants gp where gp.goal_id = ${goals.id}), 0)::int`,
  participants: sql<number>`(select count(*) from goal_participants gp where gp.goal_id = ${goals.id})::int`,
  rewarded: sql<number>`(select count(*) from goal_participants gp where gp.goal_id = ${goals.id} and gp.rewarded_at is not null)::int`,
};

function invalid(path: string, message: string) {
  return new AppError("invalid", message, { errors: [{ path, message }] });
}

async function checkReward(ctx: Ctx, program: Program, reward: z.output<typeof GoalReward>) {
  if (reward.kind === "voucher") {
    const [found] = await ctx.db
      .select({ id: rewards.id })
      .from(rewards)
      .where(and(eq(rewards.id, reward.rewardId), eq(rewards.programId, program.id), eq(rewards.merchantId, ctx.merchantId)));
    if (!found) throw invalid("reward.rewardId", "no such reward in this program's catalogue");
  } else if (program.kind === "cashback" && !can(ctx.actor, "payouts:manage")) {
    // Cashback is money paid out: giving more of it is a payouts decision.
    throw new AppError("forbidden", "Only owners and admins may give cashback to a goal's participants.");
  }
}

/** Creates a running goal. Times are in the merchant's time zone. */
export async function createGoal(ctx: Ctx, raw: GoalInput): Promise<Goal> {
  assertCan(ctx.actor, "goals:write");
  const input = GoalInput.parse(raw);
  return withTransaction(ctx, async (tx) => {
    const program = await loadProgram(tx, input.programId);
    const { timezone } = await merchantOf(tx);
    const startsAt = zonedToUtc(input.startsAt, timezone);
    const endsAt = zonedToUtc(input.endsAt, timezone);
    if (endsAt <= startsAt) throw invalid("endsAt", "must be after the start");
    if (endsAt <= now(ctx)) throw invalid("endsAt", "must be in the future");
    if (input.metric === "spend" && program.kind === "stamps") throw invalid("metric", "a stamp program records no purchase amounts: count visits or stamps");
    if (input.locationId) {
      const [loc] = await tx.db.select({ id: locations.id }).from(locations).where(and(eq(locations.id, input.locationId), eq(locations.merchantId, ctx.merchantId)));
      if (!loc) throw invalid("locationId", "no such location");
    }
    await checkReward(tx, program, input.reward);
    const [goal] = await tx.db
      .insert(goals)
      .values({
        id: newId("gol"),
        merchantId: ctx.merchantId,
        programId: program.id,
        locationId: input.locationId ?? null,
        name: input.name,
        metric: input.metric,
        target: input.target,
        startsAt,
        endsAt,
        rewardKind: input.reward.kind,
        rewardPoints: input.reward.kind === "points" ? input.reward.points : null,
        rewardId: input.reward.kind === "voucher" ? input.reward.rewardId : null,
        createdBy: ctx.actor.id,
      })
      .returning();
    await audit(tx.db, ctx.merchantId, ctx.actor, "goal.created", { type: "goal", id: goal!.id }, { name: input.name, target: input.target, metric: input.metric });
    return goal!;
  });
}

async function loadGoal(ctx: Ctx, goalId: string, lock = false): Promise<Goal> {
  const q = ctx.db
    .select()
    .from(goals)
    .where(and(eq(goals.id, goalId), eq(goals.merchantId, ctx.merchantId)));
  const [goal] = lock ? await q.for("update") : await q;
  if (!goal) throw notFound("Goal");
  return goal;
}

/** Edits a running goal (name, target, end, reward). A goal already reached, missed or cancelled stays as it was. */
export async function updateGoal(ctx: Ctx, raw: z.input<typeof UpdateGoalInput>): Promise<Goal> {
  assertCan(ctx.actor, "goals:write");
  const input = UpdateGoalInput.parse(raw);
  return withTransaction(ctx, async (tx) => {
    const goal = await loadGoal(tx, input.goalId, true);
    if (goal.status !== "active") throw new AppError("conflict", `This goal is ${goal.status}; it can no longer change.`);
    const patch: Partial<Goal> = { updatedAt: now(ctx) };
    if (input.name !== undefined) patch.name = input.name;
    if (input.target !== undefined) patch.target = input.target;
    if (input.endsAt !== undefined) {
      const { timezone } = await merchantOf(tx);
      const endsAt = zonedToUtc(input.endsAt, timezone);
      if (endsAt <= goal.startsAt) throw invalid("endsAt", "must be after the start");
      if (endsAt <= now(ctx)) throw invalid("endsAt", "must be in the future");
      patch.endsAt = endsAt;
    }
    if (input.reward) {
      await checkReward(tx, await loadProgram(tx, goal.programId), input.reward);
      patch.rewardKind = input.reward.kind;
      patch.rewardPoints = input.reward.kind === "points" ? input.reward.points : null;
      patch.rewardId = input.reward.kind === "voucher" ? input.reward.rewardId : null;
    }
    const [updated] = await tx.db.update(goals).set(patch).where(eq(goals.id, goal.id)).returning();
    await audit(tx.db, ctx.merchantId, ctx.actor, "goal.updated", { type: "goal", id: goal.id }, { fields: Object.keys(input).filter((k) => k !== "goalId") });
    return updated!;
  });
}

/** Stops a running goal: nothing more counts and nobody is rewarded. */
export async function cancelGoal(ctx: Ctx, raw: z.input<typeof GoalRef>): Promise<Goal> {
  assertCan(ctx.actor, "goals:write");
  const { goalId } = GoalRef.parse(raw);
  return withTransaction(ctx, async (tx) => {
    const goal = await loadGoal(tx, goalId, true);
    if (goal.status !== "active") throw new AppError("conflict", `This goal is ${goal.status}; it cannot be cancelled.`);
    const [updated] = await tx.db.update(goals).set({ status: "cancelled", updatedAt: now(ctx) }).where(eq(goals.id, goal.id)).returning();
    await audit(tx.db, ctx.merchantId, ctx.actor, "goal.cancelled", { type: "goal", id: goal.id });
    return updated!;
  });
}

export const ListGoalsInput = z.object({ programId: EntityId.optional().describe("Only this program's goals") }).strict();

/** The business's goals, newest first, with progress and results. */
export async function listGoals(ctx: Ctx, params: { programId?: string; limit?: number } = {}): Promise<GoalSummary[]> {
  assertCan(ctx.actor, "goals:read");
  // A program that is not this business's is "not found", like every other id: never an empty list.
  if (params.programId) await loadProgram(ctx, params.programId);
  const where = params.programId ? and(eq(goals.merchantId, ctx.merchantId), eq(goals.programId, params.programId)) : eq(goals.merchantId, ctx.merchantId);
  return ctx.db
    .select({ goal: goals, ...summaryColumns })
    .from(goals)
    .where(where)
    .orderBy(desc(goals.createdAt), desc(goals.id))
    .limit(Math.min(params.limit ?? 100, 200))
    .then((rows) => rows.map((r) => ({ ...r.goal, progress: Number(r.progress), participants: Number(r.participants), rewarded: Number(r.rewarded) })));
}

/** One goal with its progress and results. */
export async function getGoal(ctx: Ctx, goalId: string): Promise<GoalSummary> {
  assertCan(ctx.actor, "goals:read");
  const [row] = await ctx.db
    .select({ goal: goals, ...summaryColumns })
    .from(goals)
    .where(and(eq(goals.id, goalId), eq(goals.merchantId, ctx.merchantId)));
  if (!row) throw notFound("Goal");
  return { ...row.goal, progress: Number(row.progress), participants: Number(row.participants), rewarded: Number(row.rewarded) };
}

/** The participants of a goal, biggest contribution first (the results page's leaderboard). */
export async function goalParticipantsOf(ctx: Ctx, params: { goalId: string; limit?: number }) {
  assertCan(ctx.actor, "goals:read");
  await loadGoal(ctx, params.goalId);
  return ctx.db
    .select()
    .from(goalParticipants)
    .where(eq(goalParticipants.goalId, params.goalId))
    .orderBy(desc(goalParticipants.contribution), goalParticipants.cardId)
    .limit(Math.min(params.limit ?? 20, 200));
}
