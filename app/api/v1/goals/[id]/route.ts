import { getGoal } from "@/lib/goals/verbs";
import { GoalOut, presentGoal } from "../../../_http/present-goals";
import { apiRoute } from "../../../_http/route";

// GET /api/v1/goals/{id} — one group goal with its progress, participants and rewards issued
export const GET = apiRoute(
  { summary: "Get a group goal", params: ["id"], response: { status: 200, schema: GoalOut }, errors: [404] },
  async ({ ctx, params }) => ({ status: 200, body: presentGoal(await getGoal(ctx, params.id)) }),
);
