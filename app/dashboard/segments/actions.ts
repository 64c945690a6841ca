"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { EntityId } from "@/lib/ids";
import { SegmentInput, SegmentPreviewInput } from "@/lib/segments/schema";
import { ImportTagsInput, importTags } from "@/lib/segments/tags";
import { UpdateSegmentInput, createSegment, deleteSegment, previewSegment, updateSegment } from "@/lib/segments/verbs";
import { memberAction } from "../../_server/action";

export const createSegmentAction = memberAction("segments.create", { input: SegmentInput, permission: "segments:write" }, async ({ ctx, input }) => {
  const segment = await createSegment(ctx, input);
  revalidatePath("/dashboard/segments");
  return { id: segment.id, name: segment.name };
});

export const updateSegmentAction = memberAction("segments.update", { input: UpdateSegmentInput, permission: "segments:write" }, async ({ ctx, input }) => {
  const segment = await updateSegment(ctx, input);
  revalidatePath("/dashboard/segments");
  return { id: segment.id, name: segment.name };
});

export const deleteSegmentAction = memberAction("segments.delete", { input: z.object({ segmentId: EntityId }).strict(), permission: "segments:write" }, async ({ ctx, input }) => {
  await deleteSegment(ctx, input);
  revalidatePath("/dashboard/segments");
  return { id: input.segmentId };
});

// The builder's live count: no write, so it answers as fast as the count query.
export const previewSegmentAction = memberAction("segments.preview", { input: SegmentPreviewInput, permission: "campaigns:read" }, async ({ ctx, input }) => {
  const { cards, customers } = await previewSegment(ctx, input);
  return { cards, customers };
});

export const importTagsAction = memberAction("segments.importTags", { input: ImportTagsInput, permission: "segments:write" }, async ({ ctx, input }) => {
  const report = await importTags(ctx, input);
  revalidatePath("/dashboard/segments");
  return report;
});
