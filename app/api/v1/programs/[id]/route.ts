import { UpdateProgramInput } from "@/lib/programs/schema";
import { getProgram, updateProgram } from "@/lib/programs/verbs";
import { ProgramOut, presentProgram } from "../../../_http/present";
import { apiRoute } from "../../../_http/route";

// GET /api/v1/programs/{id} — one program
export const GET = apiRoute(
  { summary: "Get a program", params: ["id"], response: { status: 200, schema: ProgramOut }, errors: [404] },
  async ({ ctx, params }) => ({ status: 200, body: presentProgram(await getProgram(ctx, params.id)) }),
);

// PATCH /api/v1/programs/{id} — change rules, tiers, expiry, design or status; applies to the next transaction
export const PATCH = apiRoute(
  { summary: "Update a program", scope: "manage", params: ["id"], body: UpdateProgramInput, response: { status: 200, schema: ProgramOut }, errors: [404] },
  async ({ ctx, params, body }) => ({ status: 200, body: presentProgram(await updateProgram(ctx, { programId: params.id, ...body })) }),
);
