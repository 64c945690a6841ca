"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { BusinessFields, type BusinessValue } from "@/components/business-fields";
import { Alert, Button } from "@/components/ui";
import { useAction } from "@/components/use-action";
import { updateSettingsAction } from "./actions";

export function SettingsForm({ initial }: { initial: BusinessValue }) {
  const router = useRouter();
  const [value, setValue] = useState(initial);
  const [saved, setSaved] = useState(false);
  const { run, pending, error, fieldErrors } = useAction(updateSettingsAction);
  return (
    <form
      className="space-y-5"
      noValidate
      onSubmit={async (e) => {
        e.preventDefault();
        const r = await run(value);
        setSaved(r.ok);
        if (r.ok) router.refresh();
      }}
    >
      <BusinessFields
        value={value}
        onChange={(v) => {
          setSaved(false);
          setValue(v);
        }}
        errors={fieldErrors}
      />
      {error && !Object.keys(fieldErrors).length ? <Alert>{error}</Alert> : null}
      {saved ? <Alert tone="success">Saved. The change is in the audit log.</Alert> : null}
      <Button type="submit" disabled={pending}>
        {pending ? "Saving…" : "Save settings"}
      </Button>
    </form>
  );
}
