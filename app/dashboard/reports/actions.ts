"use server";

import { revalidatePath } from "next/cache";
import { setWeeklyDigest, WeeklyDigestInput } from "@/lib/reports/digest";
import { memberAction } from "../../_server/action";

export const setWeeklyDigestAction = memberAction("digest.set", { input: WeeklyDigestInput, permission: "digest:manage" }, async ({ ctx, input }) => {
  const result = await setWeeklyDigest(ctx, input);
  revalidatePath("/dashboard/reports");
  return result;
});
