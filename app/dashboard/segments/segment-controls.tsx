"use client";

import { ActionButton } from "@/components/form";
import { deleteSegmentAction } from "./actions";

export function DeleteSegment({ segmentId, name }: { segmentId: string; name: string }) {
  return (
    <ActionButton action={deleteSegmentAction} input={{ segmentId }} aria-label={`Delete ${name}`} confirm={`Delete the segment “${name}”?`}>
      Delete
    </ActionButton>
  );
}
