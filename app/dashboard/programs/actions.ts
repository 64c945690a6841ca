"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { CreateProgramInput, UpdateProgramInput } from "@/lib/programs/schema";
import { createProgram, updateProgram } from "@/lib/programs/verbs";
import { CreateRewardInput, UpdateRewardInput } from "@/lib/rewards/verbs";
import { createReward, updateReward } from "@/lib/rewards/verbs";
import { memberAction } from "../../_server/action";

const Id = z.string().min(1).max(64);

function refresh(...paths: string[]) {
  for (const p of ["/dashboard/programs", "/dashboard/rewards", ...paths]) revalidatePath(p);
}

export const createProgramAction = memberAction("programs.create", { input: CreateProgramInput, permission: "programs:write" }, async ({ ctx, input }) => {
  const program = await createProgram(ctx, input);
  refresh();
  return { id: program.id };
});

export const updateProgramAction = memberAction(
  "programs.update",
  { input: z.object({ programId: Id, patch: UpdateProgramInput }).strict(), permission: "programs:write" },
  async ({ ctx, input }) => {
    const program = await updateProgram(ctx, { programId: input.programId, ...input.patch });
    refresh(`/dashboard/programs/${program.id}`);
    return { id: program.id, status: program.status };
  },
);

export const setProgramStatusAction = memberAction(
  "programs.setStatus",
  { input: z.object({ programId: Id, status: z.enum(["active", "paused", "archived"]) }).strict(), permission: "programs:write" },
  async ({ ctx, input }) => {
    const program = await updateProgram(ctx, { programId: input.programId, status: input.status });
    refresh(`/dashboard/programs/${program.id}`);
    return { id: program.id, status: program.status };
  },
);

export const createRewardAction = memberAction("rewards.create", { input: CreateRewardInput, permission: "rewards:write" }, async ({ ctx, input }) => {
  const reward = await createReward(ctx, input);
  refresh(`/dashboard/programs/${reward.programId}`);
  return { id: reward.id };
});

export const updateRewardAction = memberAction(
  "rewards.update",
  { input: z.object({ rewardId: Id, patch: UpdateRewardInput }).strict(), permission: "rewards:write" },
  async ({ ctx, input }) => {
    const reward = await updateReward(ctx, { rewardId: input.rewardId, ...input.patch });
    refresh(`/dashboard/programs/${reward.programId}`);
    return { id: reward.id, active: reward.active };
  },
);
