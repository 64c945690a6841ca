import { CampaignInput, CampaignListQuery, createCampaign, listCampaigns } from "@/lib/campaigns/verbs";
import { listOf } from "../../_http/present";
import { CampaignOut, presentCampaign } from "../../_http/present-campaigns";
import { apiRoute } from "../../_http/route";

// GET /api/v1/campaigns — the business's campaigns, earliest start first
export const GET = apiRoute({ summary: "List campaigns", query: CampaignListQuery, response: { status: 200, schema: listOf(CampaignOut) } }, async ({ ctx, query }) => ({
  status: 200,
  body: { data: (await listCampaigns(ctx)).filter((c) => !query.status || c.status === query.status).map(presentCampaign) },
}));

// POST /api/v1/campaigns — create a campaign (scheduled at once unless `schedule` is false); times in the business's time zone
export const POST = apiRoute(
  { summary: "Create a campaign", scope: "manage", body: CampaignInput, response: { status: 201, schema: CampaignOut }, errors: [404] },
  async ({ ctx, body }) => ({ status: 201, body: presentCampaign(await createCampaign(ctx, body)) }),
);
