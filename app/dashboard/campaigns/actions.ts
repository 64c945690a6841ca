"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { CampaignInput, cancelCampaign, createCampaign } from "@/lib/campaigns/verbs";
import { memberAction } from "../../_server/action";

export const createCampaignAction = memberAction("campaigns.create", { input: CampaignInput, permission: "campaigns:write" }, async ({ ctx, input }) => {
  const campaign = await createCampaign(ctx, input);
  revalidatePath("/dashboard/campaigns");
  return { id: campaign.id, status: campaign.status };
});

export const cancelCampaignAction = memberAction(
  "campaigns.cancel",
  { input: z.object({ campaignId: z.string().min(1).max(64) }).strict(), permission: "campaigns:write" },
  async ({ ctx, input }) => {
    const campaign = await cancelCampaign(ctx, input);
    revalidatePath("/dashboard/campaigns");
    return { id: campaign.id, status: campaign.status };
  },
);
