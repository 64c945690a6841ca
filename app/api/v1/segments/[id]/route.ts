import { z } from "zod";
import { SegmentPatch } from "@/lib/segments/schema";
import { deleteSegment, getSegment, updateSegment } from "@/lib/segments/verbs";
import { SegmentOut, presentSegment } from "../../../_http/present-campaigns";
import { apiRoute } from "../../../_http/route";

// GET /api/v1/segments/{id} — one segment, with how many cards and customers it holds now
export const GET = apiRoute(
  { summary: "Get a segment", params: ["id"], response: { status: 200, schema: SegmentOut }, errors: [404] },
  async ({ ctx, params }) => ({ status: 200, body: presentSegment(await getSegment(ctx, params.id)) }),
);

// PATCH /api/v1/segments/{id} — rename a segment or change its rule
export const PATCH = apiRoute(
  { summary: "Update a segment", scope: "manage", params: ["id"], body: SegmentPatch, response: { status: 200, schema: SegmentOut }, errors: [404] },
  async ({ ctx, params, body }) => ({ status: 200, body: presentSegment(await updateSegment(ctx, { ...body, segmentId: params.id })) }),
);

// DELETE /api/v1/segments/{id} — delete a segment no upcoming or running campaign targets
export const DELETE = apiRoute(
  { summary: "Delete a segment", scope: "manage", params: ["id"], response: { status: 200, schema: z.object({ id: z.string(), deleted: z.literal(true) }) }, errors: [404, 409] },
  async ({ ctx, params }) => {
    await deleteSegment(ctx, { segmentId: params.id });
    return { status: 200, body: { id: params.id, deleted: true as const } };
  },
);
