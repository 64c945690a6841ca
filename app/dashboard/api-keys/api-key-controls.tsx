"use client";

import { useState } from "react";
import { FormMessages, OneTimeSecret, SubmitButton } from "@/components/form";
import { Field, Input } from "@/components/ui";
import { useFormAction } from "@/components/use-action";
import { createApiKeyAction } from "./actions";

export function CreateApiKey() {
  const [created, setCreated] = useState<{ name: string; key: string } | null>(null);
  const { onSubmit, pending, formError, fieldErrors } = useFormAction(createApiKeyAction, {
    input: (d) => ({ name: String(d.get("name") ?? "") || "API key" }),
    onSuccess: (key) => setCreated({ name: key.name, key: key.key }),
  });
  return (
    <div className="space-y-4">
      <form className="grid gap-3 sm:grid-cols-[1fr_auto] sm:items-end" noValidate onSubmit={onSubmit}>
        <Field label="Name" htmlFor="key-name" hint="Say where it is used, e.g. “Till in the shop”." error={fieldErrors.name}>
          <Input id="key-name" name="name" maxLength={80} placeholder="Point of sale" />
        </Field>
        <SubmitButton pending={pending} pendingLabel="Creating…">
          Create key
        </SubmitButton>
        <FormMessages className="sm:col-span-2" error={formError} />
      </form>
      {created ? <OneTimeSecret title={`Copy the key for “${created.name}” now. It is shown only once.`} value={created.key} testId="new-api-key" /> : null}
    </div>
  );
}
