import { UpdateRewardInput, updateReward } from "@/lib/rewards/verbs";
import { RewardOut, presentReward } from "../../../_http/present";
import { apiRoute } from "../../../_http/route";

// PATCH /api/v1/rewards/{id} — change a reward: cost, stock, tiers, dates, picture, partner, or hide it
export const PATCH = apiRoute(
  { summary: "Update a reward", params: ["id"], body: UpdateRewardInput, response: { status: 200, schema: RewardOut }, errors: [404] },
  async ({ ctx, params, body }) => ({ status: 200, body: presentReward(await updateReward(ctx, { rewardId: params.id, ...body })) }),
);
