"use client";

import { useState } from "react";
import { FormMessages, SubmitButton } from "@/components/form";
import { Button, Field, Input, Select, byName } from "@/components/ui";
import { useFormAction } from "@/components/use-action";
import { formatDecimal, parseAmount } from "@/lib/money";
import { createRewardAction, updateRewardAction } from "../programs/actions";
import { dayOfFrom, dayOfUntil, fromDay, toRewardImage, untilDay } from "./reward-image";
import type { RewardRow } from "./rows";

export type ProgramOption = { id: string; name: string; kind: string; currency: string; tiers: string[] };
export type PartnerOption = { id: string; name: string };

export const unitOf = (programs: ProgramOption[], programId: string) => (programs.find((p) => p.id === programId)?.kind === "stamps" ? "stamps" : "points");

/**
 * Adds a reward, or (with `editing`) changes one: name, cost, stock on creation, and for both the
 * tiers it is open to, the days it can be redeemed, its picture and the partner it belongs to.
 */
export function RewardForm({ programs, partners, editing, onDone }: { programs: ProgramOption[]; partners: PartnerOption[]; editing: RewardRow | null; onDone: () => void }) {
  const [programId, setProgramId] = useState(editing?.programId ?? programs[0]?.id ?? "");
  // undefined: picture unchanged; null: removed; a data URL: the new one.
  const [image, setImage] = useState<string | null | undefined>(undefined);
  const [imageError, setImageError] = useState<string | null>(null);
  const program = programs.find((p) => p.id === programId);
  const id = (name: string) => `rw-${editing ? "edit" : "new"}-${name}`;

  const currency = program?.currency ?? "USD";
  // What the reward costs the business, typed as money ("0.90"); empty: not told. Unreadable text is sent as -1 and refused with the field's message.
  const value = (d: FormData) => {
    const typed = String(d.get("value") ?? "").trim();
    return typed === "" ? null : (parseAmount(typed, currency) ?? -1);
  };
  const limits = (d: FormData) => ({
    eligibleTiers: d.getAll("tiers").map(String),
    availableFrom: fromDay(String(d.get("from") ?? "")),
    availableUntil: untilDay(String(d.get("until") ?? "")),
    ...(image === undefined ? {} : { image }),
    ...(partners.length > 0 ? { partnerUserId: String(d.get("partner") ?? "") || null } : {}),
  });
  const create = useFormAction(createRewardAction, {
    input: (d) => {
      const stock = String(d.get("inventory") ?? "").trim();
      return { programId, name: String(d.get("name") ?? ""), cost: Number(d.get("cost")), value: value(d), inventory: stock === "" ? null : Number(stock), ...limits(d) };
    },
    onSuccess: () => setImage(undefined),
  });
  const update = useFormAction(updateRewardAction, {
    input: (d) => ({ rewardId: editing?.id ?? "", patch: { name: String(d.get("name") ?? ""), cost: Number(d.get("cost")), value: value(d), ...limits(d) } }),
    onSuccess: onDone,
    reset: false,
  });
  const form = editing ? update : create;
  const errors = form.fieldErrors;
  const shownImage = image === undefined ? (editing?.imagePath ?? null) : image;

  return (
    <form
      key={editing?.id ?? "new"}
      className="grid items-start gap-3 border-t border-gray-200 pt-4 sm:grid-cols-2 lg:grid-cols-4"
      noValidate
      onSubmit={form.onSubmit}
      aria-label={editing ? `Edit ${editing.name}` : "New reward"}
    >
      {editing ? (
        <p className="font-medium sm:col-span-2 lg:col-span-4">Editing {editing.name}</p>
      ) : programs.length > 1 ? (
        <Field label="Program" htmlFor={id("program")}>
          <Select id={id("program")} value={programId} onChange={(e) => setProgramId(e.target.value)} options={byName(programs)} />
        </Field>
      ) : null}
      <Field label={editing ? "Name" : "New reward"} htmlFor={id("name")} error={errors.name}>
        <Input id={id("name")} name="name" maxLength={80} placeholder="Free coffee" defaultValue={editing?.name} aria-invalid={Boolean(errors.name)} />
      </Field>
      <Field label={`Cost (${unitOf(programs, programId)})`} htmlFor={id("cost")} error={errors.cost}>
        <Input id={id("cost")} name="cost" type="number" min={1} defaultValue={editing?.cost} aria-invalid={Boolean(errors.cost)} />
      </Field>
      <Field label={`What it costs you (${currency})`} htmlFor={id("value")} hint="Values outstanding points in Insights" error={errors.value}>
        <Input
          id={id("value")}
          name="value"
          inputMode="decimal"
          placeholder="0.90"
          defaultValue={editing?.value === null || editing?.value === undefined ? "" : formatDecimal(editing.value, currency)}
          aria-invalid={Boolean(errors.value)}
        />
      </Field>
      {editing ? null : (
        <Field label="Stock" htmlFor={id("stock")} hint="Empty: unlimited" error={errors.inventory}>
          <Input id={id("stock")} name="inventory" type="number" min={0} />
        </Field>
      )}
      <Field label="Available from" htmlFor={id("from")} hint="Empty: now" error={errors.availableFrom}>
        <Input id={id("from")} name="from" type="date" defaultValue={dayOfFrom(editing?.availableFrom ?? null)} aria-invalid={Boolean(errors.availableFrom)} />
      </Field>
      <Field label="Last day" htmlFor={id("until")} hint="Empty: no end (dates in UTC)" error={errors.availableUntil}>
        <Input id={id("until")} name="until" type="date" defaultValue={dayOfUntil(editing?.availableUntil ?? null)} aria-invalid={Boolean(errors.availableUntil)} />
      </Field>
      {program && program.tiers.length > 0 ? (
        <fieldset className="space-y-1" aria-describedby={errors.eligibleTiers ? id("tiers-error") : undefined}>
          <legend className="text-sm font-medium text-gray-800">Open to tiers</legend>
          <div className="flex flex-wrap gap-x-4 gap-y-1">
            {program.tiers.map((t) => (
              <label key={t} className="flex items-center gap-1.5 text-sm">
                <input type="checkbox" name="tiers" value={t} defaultChecked={editing?.eligibleTiers.includes(t)} className="size-4" />
                {t}
              </label>
            ))}
          </div>
          {errors.eligibleTiers ? (
            <p id={id("tiers-error")} className="text-sm text-red-700">
              {errors.eligibleTiers}
            </p>
          ) : (
            <p className="text-xs text-gray-600">None ticked: every member</p>
          )}
        </fieldset>
      ) : null}
      {partners.length > 0 ? (
        <Field label="Partner" htmlFor={id("partner")} hint="The partner sees this reward's redemptions" error={errors.partnerUserId}>
          <Select id={id("partner")} name="partner" defaultValue={editing?.partnerUserId ?? ""} options={[{ value: "", label: "None (your own reward)" }, ...partners.map((p) => ({ value: p.id, label: p.name }))]} />
        </Field>
      ) : null}
      <Field label="Picture" htmlFor={id("image")} hint="PNG or JPEG; we scale it down" error={imageError ?? errors.image}>
        <div className="flex items-center gap-3">
          {shownImage ? (
            // eslint-disable-next-line @next/next/no-img-element
            <img src={shownImage} alt="" className="size-10 rounded-lg border border-gray-200 object-cover" />
          ) : null}
          <input
            id={id("image")}
            type="file"
            accept="image/png,image/jpeg"
            className="block w-full text-sm file:mr-3 file:rounded-lg file:border-0 file:bg-gray-100 file:px-3 file:py-2 file:text-sm file:font-medium"
            onChange={async (e) => {
              const file = e.target.files?.[0];
              if (!file) return;
              try {
                setImageError(null);
                setImage(await toRewardImage(file));
              } catch (err) {
                setImageError(err instanceof Error ? err.message : "That picture could not be read.");
              }
            }}
          />
          {shownImage ? (
            <button type="button" className="text-sm underline" onClick={() => setImage(null)}>
              Remove
            </button>
          ) : null}
        </div>
      </Field>
      <div className="flex items-center gap-2 self-end">
        <SubmitButton pending={form.pending} pendingLabel={editing ? "Saving…" : "Adding…"}>
          {editing ? "Save reward" : "Add reward"}
        </SubmitButton>
        {editing ? (
          <Button type="button" variant="secondary" onClick={onDone}>
            Cancel
          </Button>
        ) : null}
      </div>
      <FormMessages className="sm:col-span-2 lg:col-span-4" error={form.formError} />
    </form>
  );
}
