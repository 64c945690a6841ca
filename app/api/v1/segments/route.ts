import { SegmentInput } from "@/lib/segments/schema";
import { createSegment, listSegments } from "@/lib/segments/verbs";
import { listOf } from "../../_http/present";
import { SegmentOut, presentSegment } from "../../_http/present-campaigns";
import { apiRoute } from "../../_http/route";

// GET /api/v1/segments — the business's saved segments, by name
export const GET = apiRoute({ summary: "List segments", response: { status: 200, schema: listOf(SegmentOut) } }, async ({ ctx }) => ({
  status: 200,
  body: { data: (await listSegments(ctx)).map(presentSegment) },
}));

// POST /api/v1/segments — save a segment: a rule over tier, balance, spend, visits, last visit, birthday, location, program and tags
export const POST = apiRoute(
  { summary: "Create a segment", scope: "manage", body: SegmentInput, response: { status: 201, schema: SegmentOut }, errors: [404] },
  async ({ ctx, body }) => ({ status: 201, body: presentSegment(await createSegment(ctx, body)) }),
);
