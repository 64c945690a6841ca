import { z } from "zod";
import { ImportTagsInput, importTags } from "@/lib/segments/tags";
import { apiRoute } from "../../../_http/route";

const ImportReportOut = z.object({
  rows: z.int(),
  applied: z.int(),
  customers: z.int(),
  tagsAdded: z.int(),
  tagsRemoved: z.int(),
  errors: z.array(z.object({ line: z.int(), value: z.string(), message: z.string() })).describe("Each row that was not applied, with its line number and why."),
});

// POST /api/v1/tags/import — tag customers from CSV text (email or member code, then tags); rows that fail are reported by line
export const POST = apiRoute(
  { summary: "Import customer tags from CSV", scope: "manage", body: ImportTagsInput, response: { status: 200, schema: ImportReportOut } },
  async ({ ctx, body }) => ({ status: 200, body: await importTags(ctx, body) }),
);
