import { startCampaignNow } from "@/lib/campaigns/verbs";
import { CampaignOut, presentCampaign } from "../../../../_http/present-campaigns";
import { apiRoute } from "../../../../_http/route";

// POST /api/v1/campaigns/{id}/start — start a draft or scheduled campaign now (audience and holdout drawn at once)
export const POST = apiRoute(
  { summary: "Start a campaign now", scope: "manage", params: ["id"], response: { status: 200, schema: CampaignOut }, errors: [404, 409] },
  async ({ ctx, params }) => ({ status: 200, body: presentCampaign(await startCampaignNow(ctx, { campaignId: params.id })) }),
);
