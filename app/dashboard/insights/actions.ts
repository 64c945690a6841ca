"use server";

import { revalidatePath } from "next/cache";
import { WinbackInput, createWinbackCampaign } from "@/lib/insights/winback";
import { memberAction } from "../../_server/action";

export const winbackAction = memberAction("insights.winback", { input: WinbackInput, permission: "campaigns:write" }, async ({ ctx, input }) => {
  const campaign = await createWinbackCampaign(ctx, input);
  revalidatePath("/dashboard/campaigns");
  return { id: campaign.id, name: campaign.name, startsAt: campaign.startsAt.toISOString() };
});
