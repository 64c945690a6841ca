import { CreateProgramInput } from "@/lib/programs/schema";
import { createProgram, listPrograms } from "@/lib/programs/verbs";
import { ProgramOut, listOf, presentProgram } from "../../_http/present";
import { apiRoute } from "../../_http/route";

// GET /api/v1/programs — the merchant's programs
export const GET = apiRoute({ summary: "List programs", response: { status: 200, schema: listOf(ProgramOut) } }, async ({ ctx }) => ({
  status: 200,
  body: { data: (await listPrograms(ctx)).map(presentProgram) },
}));

// POST /api/v1/programs — create a points, stamps or cashback program
export const POST = apiRoute(
  { summary: "Create a program", scope: "manage", body: CreateProgramInput, response: { status: 201, schema: ProgramOut }, errors: [409] },
  async ({ ctx, body }) => ({ status: 201, body: presentProgram(await createProgram(ctx, body)) }),
);
