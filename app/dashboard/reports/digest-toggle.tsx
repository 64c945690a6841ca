"use client";

import { useState } from "react";
import { Checkbox, FormMessages } from "@/components/form";
import { useAction } from "@/components/use-action";
import { setWeeklyDigestAction } from "./actions";

/** The owner's own weekly digest switch: saved as soon as it is ticked or unticked. */
export function DigestToggle({ enabled }: { enabled: boolean }) {
  const [on, setOn] = useState(enabled);
  const [saved, setSaved] = useState<string | null>(null);
  const { run, pending, error } = useAction(setWeeklyDigestAction, { refresh: false });
  return (
    <div className="space-y-2">
      <Checkbox
        label="Email me the weekly digest on Mondays"
        checked={on}
        disabled={pending}
        onChange={async (e) => {
          const next = e.currentTarget.checked;
          setOn(next);
          setSaved(null);
          const result = await run({ enabled: next });
          if (result.ok) setSaved(next ? "The digest is on: it arrives on Monday mornings." : "The digest is off.");
          else setOn(!next);
        }}
      />
      <FormMessages error={error} success={saved} />
    </div>
  );
}
