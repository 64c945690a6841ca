"use client";

import { useState } from "react";
import { ActionButton, FormMessages, SubmitButton } from "@/components/form";
import { Field, Input } from "@/components/ui";
import { useFormAction } from "@/components/use-action";
import { createLocationAction, deleteLocationAction, updateLocationAction } from "./actions";

type Loc = { id: string; name: string; address: string | null; latitude: number | null; longitude: number | null };

const fields = (d: FormData) => {
  const text = (k: string) => String(d.get(k) ?? "");
  // Latitude and longitude go as typed: the schema reads "" as none and refuses what is not a number.
  return { name: text("name"), address: text("address"), latitude: text("latitude"), longitude: text("longitude") };
};

/** Adds a location, or (with `location`) edits or deletes one. */
export function LocationForm({ location }: { location?: Loc }) {
  const [saved, setSaved] = useState(false);
  const create = useFormAction(createLocationAction, { input: fields, onSuccess: () => setSaved(true), onFailure: () => setSaved(false) });
  const update = useFormAction(updateLocationAction, {
    input: (d) => ({ locationId: location?.id ?? "", location: fields(d) }),
    onSuccess: () => setSaved(true),
    onFailure: () => setSaved(false),
    reset: false,
  });
  const a = location ? update : create;
  const fe = a.fieldErrors;
  const pre = location ? `loc-${location.id}` : "loc-new";
  const key = (k: string) => (location ? `location.${k}` : k);

  return (
    <form className="grid gap-3 sm:grid-cols-2 lg:grid-cols-[1fr_1.5fr_8rem_8rem_auto] lg:items-end" noValidate onSubmit={a.onSubmit}>
      <Field label="Name" htmlFor={`${pre}-name`} error={fe[key("name")]}>
        <Input id={`${pre}-name`} name="name" defaultValue={location?.name} maxLength={80} placeholder="Downtown" />
      </Field>
      <Field label="Address" htmlFor={`${pre}-address`} error={fe[key("address")]}>
        <Input id={`${pre}-address`} name="address" defaultValue={location?.address ?? ""} maxLength={200} placeholder="12 Main St" />
      </Field>
      <Field label="Latitude" htmlFor={`${pre}-lat`} error={fe[key("latitude")]}>
        <Input id={`${pre}-lat`} name="latitude" inputMode="decimal" defaultValue={location?.latitude ?? ""} placeholder="40.7128" />
      </Field>
      <Field label="Longitude" htmlFor={`${pre}-lng`} error={fe[key("longitude")]}>
        <Input id={`${pre}-lng`} name="longitude" inputMode="decimal" defaultValue={location?.longitude ?? ""} placeholder="-74.0060" />
      </Field>
      <div className="flex items-start gap-2">
        <SubmitButton pending={a.pending}>{location ? "Save" : "Add location"}</SubmitButton>
        {location ? (
          <ActionButton action={deleteLocationAction} input={{ locationId: location.id }} confirm={`Delete ${location.name}?`}>
            Delete
          </ActionButton>
        ) : null}
      </div>
      <FormMessages className="sm:col-span-2 lg:col-span-5" error={a.formError} success={saved && location ? <p className="text-sm text-emerald-800">Saved.</p> : null} />
    </form>
  );
}
