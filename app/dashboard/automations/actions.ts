"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { AutomationsInput, updateAutomations } from "@/lib/lifecycle/automations";
import { memberAction } from "../../_server/action";

export const updateAutomationsAction = memberAction(
  "automations.update",
  { input: z.object({ programId: z.string().min(1).max(64), patch: AutomationsInput }).strict(), permission: "automations:write" },
  async ({ ctx, input }) => {
    const saved = await updateAutomations(ctx, { programId: input.programId, ...input.patch });
    revalidatePath("/dashboard/automations");
    return { programId: saved.programId, updatedAt: saved.updatedAt?.toISOString() ?? null };
  },
);
