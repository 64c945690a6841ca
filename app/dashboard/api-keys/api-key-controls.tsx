"use client";

import { useState } from "react";
import { FormMessages, OneTimeSecret, SubmitButton } from "@/components/form";
import { Field, Input, Select, type Option } from "@/components/ui";
import { useFormAction } from "@/components/use-action";
import { API_SCOPES, SCOPE_LABELS, type ApiScope } from "@/lib/api-keys/scopes";
import { createApiKeyAction } from "./actions";

export function CreateApiKey({ locations }: { locations: readonly Option[] }) {
  const [created, setCreated] = useState<{ name: string; key: string } | null>(null);
  const { onSubmit, pending, formError, fieldErrors } = useFormAction(createApiKeyAction, {
    input: (d) => ({
      name: String(d.get("name") ?? "") || "API key",
      scopes: d.getAll("scopes").map(String) as ApiScope[],
      locationId: String(d.get("locationId") ?? ""),
    }),
    onSuccess: (key) => setCreated({ name: key.name, key: key.key }),
  });
  return (
    <div className="space-y-4">
      <form className="grid gap-4 sm:grid-cols-2 sm:items-start" noValidate onSubmit={onSubmit}>
        <Field label="Name" htmlFor="key-name" hint="Say where it is used, e.g. “Till in the shop”." error={fieldErrors.name}>
          <Input id="key-name" name="name" maxLength={80} placeholder="Point of sale" />
        </Field>
        <Field label="Location" htmlFor="key-location" hint="A till's key earns and redeems only at its own shop." error={fieldErrors.locationId}>
          <Select id="key-location" name="locationId" defaultValue="" options={[{ value: "", label: "Any location" }, ...locations]} />
        </Field>
        <fieldset className="space-y-1 sm:col-span-2" aria-describedby={fieldErrors.scopes ? "key-scopes-error" : "key-scopes-hint"}>
          <legend className="text-sm font-medium text-gray-800">What the key may do</legend>
          <div className="grid gap-1 sm:grid-cols-2">
            {API_SCOPES.map((scope) => (
              <label key={scope} className="flex items-center gap-2 text-sm">
                <input type="checkbox" name="scopes" value={scope} defaultChecked className="size-4" />
                <span>
                  <code className="font-mono">{scope}</code> — {SCOPE_LABELS[scope]}
                </span>
              </label>
            ))}
          </div>
          {fieldErrors.scopes ? (
            <p id="key-scopes-error" className="text-sm text-red-700">
              {fieldErrors.scopes}
            </p>
          ) : (
            <p id="key-scopes-hint" className="text-xs text-gray-600">
              A till needs read, earn and redeem; keep manage for your own systems.
            </p>
          )}
        </fieldset>
        <div className="sm:col-span-2">
          <SubmitButton pending={pending} pendingLabel="Creating…">
            Create key
          </SubmitButton>
        </div>
        <FormMessages className="sm:col-span-2" error={formError} />
      </form>
      {created ? <OneTimeSecret title={`Copy the key for “${created.name}” now. It is shown only once.`} value={created.key} testId="new-api-key" /> : null}
    </div>
  );
}
