"use client";

import Link from "next/link";
import { useState } from "react";
import { ActionButton } from "@/components/form";
import { Alert } from "@/components/ui";
import { winbackAction } from "./actions";

/** One click: a scheduled win-back campaign for the group; then a link to it on the Campaigns page. */
export function WinbackButton({ programId, group, label }: { programId: string; group: "at_risk" | "cant_lose"; label: string }) {
  const [made, setMade] = useState<string | null>(null);
  if (made)
    return (
      <Alert tone="success">
        “{made}” is scheduled for tomorrow. <Link href="/dashboard/campaigns" className="font-medium underline">See it on Campaigns</Link> (you can cancel it there).
      </Alert>
    );
  return (
    <ActionButton action={winbackAction} input={{ programId, group }} variant="primary" pendingLabel="Scheduling…" refresh={false} onDone={(c) => setMade(c.name)}>
      {label}
    </ActionButton>
  );
}
