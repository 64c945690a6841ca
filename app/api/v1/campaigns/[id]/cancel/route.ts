import { cancelCampaign } from "@/lib/campaigns/verbs";
import { CampaignOut, presentCampaign } from "../../../../_http/present-campaigns";
import { apiRoute } from "../../../../_http/route";

// POST /api/v1/campaigns/{id}/cancel — cancel a campaign; a running one stops at once
export const POST = apiRoute(
  { summary: "Cancel a campaign", scope: "manage", params: ["id"], response: { status: 200, schema: CampaignOut }, errors: [404] },
  async ({ ctx, params }) => ({ status: 200, body: presentCampaign(await cancelCampaign(ctx, { campaignId: params.id })) }),
);
