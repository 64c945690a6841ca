import { CreateRewardInput, ListRewardsInput, createReward, listRewards } from "@/lib/rewards/verbs";
import { RewardOut, listOf, presentReward } from "../../_http/present";
import { apiRoute } from "../../_http/route";

// GET /api/v1/rewards?programId= — the reward catalog
export const GET = apiRoute({ summary: "List rewards", query: ListRewardsInput, response: { status: 200, schema: listOf(RewardOut) } }, async ({ ctx, query }) => ({
  status: 200,
  body: { data: (await listRewards(ctx, { programId: query.programId })).map(presentReward) },
}));

// POST /api/v1/rewards — add a reward, with optional stock, tiers, dates and picture
export const POST = apiRoute(
  { summary: "Create a reward", body: CreateRewardInput, response: { status: 201, schema: RewardOut }, errors: [404] },
  async ({ ctx, body }) => ({ status: 201, body: presentReward(await createReward(ctx, body)) }),
);
