import { SegmentPreviewInput } from "@/lib/segments/schema";
import { previewSegment } from "@/lib/segments/verbs";
import { SegmentPreviewOut } from "../../../_http/present-campaigns";
import { apiRoute } from "../../../_http/route";

// POST /api/v1/segments/preview — count the cards and customers an unsaved rule selects, with a few of them
export const POST = apiRoute(
  { summary: "Count a segment rule", scope: "read", body: SegmentPreviewInput, response: { status: 200, schema: SegmentPreviewOut } },
  async ({ ctx, body }) => ({ status: 200, body: await previewSegment(ctx, body) }),
);
