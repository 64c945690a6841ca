import { CampaignPatch, getCampaign, updateCampaign } from "@/lib/campaigns/verbs";
import { CampaignOut, presentCampaign } from "../../../_http/present-campaigns";
import { apiRoute } from "../../../_http/route";

// GET /api/v1/campaigns/{id} — one campaign
export const GET = apiRoute(
  { summary: "Get a campaign", params: ["id"], response: { status: 200, schema: CampaignOut }, errors: [404] },
  async ({ ctx, params }) => ({ status: 200, body: presentCampaign(await getCampaign(ctx, params.id)) }),
);

// PATCH /api/v1/campaigns/{id} — edit or reschedule a campaign (a running one: only its name, a future end and its budget)
export const PATCH = apiRoute(
  { summary: "Update a campaign", scope: "manage", params: ["id"], body: CampaignPatch, response: { status: 200, schema: CampaignOut }, errors: [404, 409] },
  async ({ ctx, params, body }) => ({ status: 200, body: presentCampaign(await updateCampaign(ctx, { ...body, campaignId: params.id })) }),
);
