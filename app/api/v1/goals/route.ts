import { GoalInput, ListGoalsInput, createGoal, getGoal, listGoals } from "@/lib/goals/verbs";
import { GoalOut, presentGoal } from "../../_http/present-goals";
import { listOf } from "../../_http/present";
import { apiRoute } from "../../_http/route";

// GET /api/v1/goals — the business's group goals, newest first, with progress and results
export const GET = apiRoute(
  { summary: "List group goals", scope: "read", query: ListGoalsInput, response: { status: 200, schema: listOf(GoalOut) }, errors: [404] },
  async ({ ctx, query }) => ({ status: 200, body: { data: (await listGoals(ctx, { programId: query.programId })).map(presentGoal) } }),
);

// POST /api/v1/goals — start a group goal for a program or one of its locations
export const POST = apiRoute(
  { summary: "Create a group goal", scope: "manage", body: GoalInput, response: { status: 201, schema: GoalOut }, errors: [404] },
  async ({ ctx, body }) => ({ status: 201, body: presentGoal(await getGoal(ctx, (await createGoal(ctx, body)).id)) }),
);
