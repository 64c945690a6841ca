"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { Alert, Button, Field, Input } from "@/components/ui";
import { useAction } from "@/components/use-action";
import { createLocationAction, deleteLocationAction, updateLocationAction } from "./actions";

type Loc = { id: string; name: string; address: string | null; latitude: number | null; longitude: number | null };

export function LocationForm({ location }: { location?: Loc }) {
  const router = useRouter();
  const create = useAction(createLocationAction);
  const update = useAction(updateLocationAction);
  const del = useAction(deleteLocationAction);
  const [saved, setSaved] = useState(false);
  const a = location ? update : create;
  const fe = a.fieldErrors;
  const pre = location ? `loc-${location.id}` : "loc-new";
  const key = (k: string) => (location ? `location.${k}` : k);

  return (
    <form
      className="grid gap-3 sm:grid-cols-2 lg:grid-cols-[1fr_1.5fr_8rem_8rem_auto] lg:items-end"
      noValidate
      onSubmit={async (e) => {
        e.preventDefault();
        const form = e.currentTarget;
        const d = Object.fromEntries(new FormData(form)) as Record<string, string>;
        const value = { name: d.name ?? "", address: d.address ?? "", latitude: d.latitude ?? "", longitude: d.longitude ?? "" };
        const r = location ? await update.run({ locationId: location.id, location: value as never }) : await create.run(value as never);
        setSaved(r.ok);
        if (r.ok) {
          if (!location) form.reset();
          router.refresh();
        }
      }}
    >
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
      <div className="flex gap-2">
        <Button type="submit" disabled={a.pending}>
          {location ? "Save" : "Add location"}
        </Button>
        {location ? (
          <Button
            type="button"
            variant="ghost"
            disabled={del.pending}
            onClick={async () => {
              if (!window.confirm(`Delete ${location.name}?`)) return;
              const r = await del.run({ locationId: location.id });
              if (r.ok) router.refresh();
            }}
          >
            Delete
          </Button>
        ) : null}
      </div>
      <div className="sm:col-span-2 lg:col-span-5" aria-live="polite">
        {a.error && !Object.keys(fe).length ? <Alert>{a.error}</Alert> : null}
        {del.error ? <Alert>{del.error}</Alert> : null}
        {saved && location ? <p className="text-sm text-emerald-800">Saved.</p> : null}
      </div>
    </form>
  );
}
