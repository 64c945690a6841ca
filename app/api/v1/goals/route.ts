import { z } from "zod";
import { GoalInput, createGoal, getGoal, listGoals } from "@/lib/goals/verbs";
import { EntityId } from "@/lib/ids";
import { GoalOut, presentGoal } from "../../_http/present-goals";
import { listOf } from "../../_http/present";
import { apiRoute } from "../../_http/route";

const ListGoalsQuery = z.object({ programId: EntityId.optional().describe("Only this program's goals") }).strict();

// GET /api/v1/goals — the business's group goals, newest first, with progress and results
export const GET = apiRoute(
  { summary: "List group goals", scope: "read", query: ListGoalsQuery, response: { status: 200, schema: listOf(GoalOut) } },
  async ({ ctx, query }) => ({ status: 200, body: { data: (await listGoals(ctx, { programId: query.programId })).map(presentGoal) } }),
);

// POST /api/v1/goals — start a group goal for a program or one of its locations
export const POST = apiRoute(
  { summary: "Create a group goal", scope: "manage", body: GoalInput, response: { status: 201, schema: GoalOut }, errors: [404] },
  async ({ ctx, body }) => ({ status: 201, body: presentGoal(await getGoal(ctx, (await createGoal(ctx, body)).id)) }),
);
