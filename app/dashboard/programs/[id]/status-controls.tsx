"use client";

import { ActionButton } from "@/components/form";
import { setProgramStatusAction } from "../actions";

type Status = "active" | "paused" | "archived";

/** Pause, resume, archive or restore a program. */
export function StatusControls({ programId, status }: { programId: string; status: Status }) {
  const to = (next: Status) => ({ programId, status: next });
  return (
    <div className="flex items-start gap-2">
      {status === "active" ? (
        <ActionButton action={setProgramStatusAction} input={to("paused")} variant="secondary">
          Pause
        </ActionButton>
      ) : (
        <ActionButton action={setProgramStatusAction} input={to("active")} variant="secondary">
          {status === "archived" ? "Restore" : "Resume"}
        </ActionButton>
      )}
      {status !== "archived" ? (
        <ActionButton action={setProgramStatusAction} input={to("archived")} variant="danger" confirm="Archive this program? Members keep their history, but nobody can earn or join any more.">
          Archive
        </ActionButton>
      ) : null}
    </div>
  );
}
