"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { PreviewInput, sendTestCampaignEmail } from "@/lib/campaigns/preview";
import { CampaignInput, CampaignRef, DuplicateCampaignInput, UpdateCampaignInput, cancelCampaign, createCampaign, duplicateCampaign, startCampaignNow, updateCampaign } from "@/lib/campaigns/verbs";
import { memberAction } from "../../_server/action";

export const createCampaignAction = memberAction("campaigns.create", { input: CampaignInput, permission: "campaigns:write" }, async ({ ctx, input }) => {
  const campaign = await createCampaign(ctx, input);
  revalidatePath("/dashboard/campaigns");
  return { id: campaign.id, status: campaign.status };
});

export const updateCampaignAction = memberAction("campaigns.update", { input: UpdateCampaignInput, permission: "campaigns:write" }, async ({ ctx, input }) => {
  const campaign = await updateCampaign(ctx, input);
  revalidatePath("/dashboard/campaigns");
  return { id: campaign.id, status: campaign.status };
});

export const duplicateCampaignAction = memberAction("campaigns.duplicate", { input: DuplicateCampaignInput, permission: "campaigns:write" }, async ({ ctx, input }) => {
  const campaign = await duplicateCampaign(ctx, input);
  revalidatePath("/dashboard/campaigns");
  return { id: campaign.id, status: campaign.status };
});

export const startCampaignAction = memberAction("campaigns.start", { input: CampaignRef, permission: "campaigns:write" }, async ({ ctx, input }) => {
  const campaign = await startCampaignNow(ctx, input);
  revalidatePath("/dashboard/campaigns");
  return { id: campaign.id, status: campaign.status };
});

export const sendTestEmailAction = memberAction("campaigns.sendTest", { input: PreviewInput, permission: "campaigns:write" }, async ({ ctx, input }) => sendTestCampaignEmail(ctx, input));

export const cancelCampaignAction = memberAction(
  "campaigns.cancel",
  { input: z.object({ campaignId: z.string().min(1).max(64) }).strict(), permission: "campaigns:write" },
  async ({ ctx, input }) => {
    const campaign = await cancelCampaign(ctx, input);
    revalidatePath("/dashboard/campaigns");
    return { id: campaign.id, status: campaign.status };
  },
);
