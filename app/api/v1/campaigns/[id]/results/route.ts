import { campaignResults } from "@/lib/campaigns/results";
import { CampaignResultsOut, presentResults } from "../../../../_http/present-campaigns";
import { apiRoute } from "../../../../_http/route";

// GET /api/v1/campaigns/{id}/results — what the campaign did, and treated members against its holdout
export const GET = apiRoute(
  { summary: "Get a campaign's results", params: ["id"], response: { status: 200, schema: CampaignResultsOut }, errors: [404] },
  async ({ ctx, params }) => ({ status: 200, body: presentResults(await campaignResults(ctx, params.id)) }),
);
