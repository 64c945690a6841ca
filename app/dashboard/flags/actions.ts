"use server";

import { revalidatePath } from "next/cache";
import { ResolveFlagInput, resolveFlag } from "@/lib/fraud/flags";
import { memberAction } from "../../_server/action";

export const resolveFlagAction = memberAction("flags.resolve", { input: ResolveFlagInput, permission: "flags:resolve" }, async ({ ctx, input }) => {
  const flag = await resolveFlag(ctx, input);
  revalidatePath("/dashboard/flags");
  return { id: flag.id, status: flag.status, cardHeld: flag.cardHeld };
});
