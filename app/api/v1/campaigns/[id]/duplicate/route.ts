import { DuplicateCampaignBody, duplicateCampaign } from "@/lib/campaigns/verbs";
import { CampaignOut, presentCampaign } from "../../../../_http/present-campaigns";
import { apiRoute } from "../../../../_http/route";

// POST /api/v1/campaigns/{id}/duplicate — copy a campaign into a new draft (optionally renamed and at new times)
export const POST = apiRoute(
  { summary: "Duplicate a campaign", scope: "manage", params: ["id"], body: DuplicateCampaignBody, response: { status: 201, schema: CampaignOut }, errors: [404] },
  async ({ ctx, params, body }) => ({ status: 201, body: presentCampaign(await duplicateCampaign(ctx, { ...body, campaignId: params.id })) }),
);
