"use client";

import { useState } from "react";
import { BusinessFields, type BusinessValue } from "@/components/business-fields";
import { FormMessages, SubmitButton } from "@/components/form";
import { useFormAction } from "@/components/use-action";
import { updateSettingsAction } from "./actions";

export function SettingsForm({ initial }: { initial: BusinessValue }) {
  const [value, setValue] = useState(initial);
  const [saved, setSaved] = useState(false);
  const { onSubmit, pending, formError, fieldErrors } = useFormAction(updateSettingsAction, {
    input: () => value,
    onSuccess: () => setSaved(true),
    onFailure: () => setSaved(false),
    reset: false,
  });
  return (
    <form className="space-y-5" noValidate onSubmit={onSubmit}>
      <BusinessFields
        value={value}
        onChange={(v) => {
          setSaved(false);
          setValue(v);
        }}
        errors={fieldErrors}
      />
      <FormMessages error={formError} success={saved ? "Saved. The change is in the audit log." : null} />
      <SubmitButton pending={pending} pendingLabel="Saving…">
        Save settings
      </SubmitButton>
    </form>
  );
}
