"use client";

import { useRouter } from "next/navigation";
import { Alert, Button } from "@/components/ui";
import { useAction } from "@/components/use-action";
import { setProgramStatusAction } from "../actions";

export function StatusControls({ programId, status }: { programId: string; status: "active" | "paused" | "archived" }) {
  const router = useRouter();
  const { run, pending, error } = useAction(setProgramStatusAction);
  const go = async (next: "active" | "paused" | "archived") => {
    if (next === "archived" && !window.confirm("Archive this program? Members keep their history, but nobody can earn or join any more.")) return;
    const r = await run({ programId, status: next });
    if (r.ok) router.refresh();
  };
  return (
    <div className="flex flex-col items-end gap-2">
      <div className="flex gap-2">
        {status === "active" ? (
          <Button variant="secondary" disabled={pending} onClick={() => go("paused")}>
            Pause
          </Button>
        ) : (
          <Button variant="secondary" disabled={pending} onClick={() => go("active")}>
            {status === "archived" ? "Restore" : "Resume"}
          </Button>
        )}
        {status !== "archived" ? (
          <Button variant="danger" disabled={pending} onClick={() => go("archived")}>
            Archive
          </Button>
        ) : null}
      </div>
      {error ? <Alert>{error}</Alert> : null}
    </div>
  );
}
