"use server";

import { revalidatePath } from "next/cache";
import { GoalInput, GoalRef, UpdateGoalInput, cancelGoal, createGoal, updateGoal } from "@/lib/goals/verbs";
import { memberAction } from "../../_server/action";

export const createGoalAction = memberAction("goals.create", { input: GoalInput, permission: "goals:write" }, async ({ ctx, input }) => {
  const goal = await createGoal(ctx, input);
  revalidatePath("/dashboard/goals");
  return { id: goal.id };
});

export const updateGoalAction = memberAction("goals.update", { input: UpdateGoalInput, permission: "goals:write" }, async ({ ctx, input }) => {
  await updateGoal(ctx, input);
  revalidatePath("/dashboard/goals");
  return { id: input.goalId };
});

export const cancelGoalAction = memberAction("goals.cancel", { input: GoalRef, permission: "goals:write" }, async ({ ctx, input }) => {
  await cancelGoal(ctx, input);
  revalidatePath("/dashboard/goals");
  return { id: input.goalId };
});
