import { z } from "zod";
import { CreateRewardInput, createReward, listRewards } from "@/lib/rewards/verbs";
import { presentReward } from "../../_http/present";
import { apiRoute } from "../../_http/route";

export const RewardsQuery = z.object({ programId: z.string().max(64).optional() });

// GET /api/v1/rewards?programId= — the reward catalog
export const GET = apiRoute({ query: RewardsQuery }, async ({ ctx, query }) => ({
  status: 200,
  body: { data: (await listRewards(ctx, { programId: query.programId })).map(presentReward) },
}));

// POST /api/v1/rewards — add a reward, with optional stock
export const POST = apiRoute({ body: CreateRewardInput }, async ({ ctx, body }) => ({ status: 201, body: presentReward(await createReward(ctx, body)) }));
