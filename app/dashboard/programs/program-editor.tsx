"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { PassPreview } from "@/components/pass-preview";
import { Alert, Button, Field, Input, Select, cx, inputClass } from "@/components/ui";
import { useAction } from "@/components/use-action";
import { createProgramAction, updateProgramAction } from "./actions";

type Kind = "points" | "stamps" | "cashback";
type Schedule = { kind: "schedule"; label?: string; weekdays: number[]; from?: string; to?: string; factor: number };
type LocationMult = { kind: "location"; label?: string; locationIds: string[]; factor: number };
type Multiplier = Schedule | LocationMult;
type Expiry = { kind: "never" } | { kind: "rolling"; days: number } | { kind: "fixed"; month: number; day: number } | { kind: "inactivity"; days: number };
type Level = { name: string; threshold: number; multiplier: number };

export type ProgramDraft = {
  id?: string;
  name: string;
  kind: Kind;
  currency: string;
  rules: { basis: "amount" | "visit" | "percent"; rate: number; minSpend: number; multipliers: Multiplier[]; capPerTransaction: number | null; capPerDay: number | null; rounding: "floor" | "round" | "ceil" };
  tiers: { windowDays: number; levels: Level[] } | null;
  expiry: Expiry;
  stampsRequired: number | null;
  reminderDays: number[];
  design: { backgroundColor: string; foregroundColor: string; labelColor: string; logoText?: string; logoUrl?: string };
};

const WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

export function defaultDraft(kind: Kind, currency: string, brandColor: string, businessName: string): ProgramDraft {
  return {
    name: kind === "stamps" ? "Coffee card" : kind === "cashback" ? "Cashback" : "Rewards",
    kind,
    currency,
    rules: { basis: kind === "cashback" ? "percent" : kind === "stamps" ? "visit" : "amount", rate: kind === "cashback" ? 5 : 1, minSpend: 0, multipliers: [], capPerTransaction: null, capPerDay: null, rounding: "floor" },
    tiers: null,
    expiry: { kind: "never" },
    stampsRequired: kind === "stamps" ? 10 : null,
    reminderDays: [14, 3],
    design: { backgroundColor: brandColor, foregroundColor: "#ffffff", labelColor: "#f3f4f6", logoText: businessName },
  };
}

const num = (v: string, fallback = 0) => (v.trim() === "" || Number.isNaN(Number(v)) ? fallback : Number(v));

export function ProgramEditor({
  initial,
  businessName,
  logoUrl,
  locations,
  canEdit,
  onSaved,
}: {
  initial: ProgramDraft;
  businessName: string;
  logoUrl: string | null;
  locations: { id: string; name: string }[];
  canEdit: boolean;
  onSaved?: (id: string) => void;
}) {
  const router = useRouter();
  const [d, setD] = useState(initial);
  const [saved, setSaved] = useState(false);
  const create = useAction(createProgramAction);
  const update = useAction(updateProgramAction);
  const busy = create.pending || update.pending;
  const error = create.error ?? update.error;
  const fieldErrors = { ...create.fieldErrors, ...update.fieldErrors };
  const isNew = !d.id;
  const set = (patch: Partial<ProgramDraft>) => {
    setSaved(false);
    setD((prev) => ({ ...prev, ...patch }));
  };
  const setRules = (patch: Partial<ProgramDraft["rules"]>) => set({ rules: { ...d.rules, ...patch } });
  const setDesign = (patch: Partial<ProgramDraft["design"]>) => set({ design: { ...d.design, ...patch } });

  async function save() {
    const common = {
      name: d.name,
      rules: d.rules,
      tiers: d.tiers,
      expiry: d.expiry,
      reminderDays: d.reminderDays,
      design: { ...d.design, logoText: d.design.logoText || undefined, logoUrl: d.design.logoUrl || undefined },
    };
    if (isNew) {
      const input = d.kind === "stamps" ? { ...common, kind: "stamps" as const, stampsRequired: d.stampsRequired ?? 10 } : { ...common, kind: d.kind };
      const r = await create.run(input as Parameters<typeof createProgramAction>[0]);
      if (r.ok) {
        if (onSaved) onSaved(r.data.id);
        else router.push(`/dashboard/programs/${r.data.id}?created=1`);
      }
    } else {
      const patch = d.kind === "stamps" ? { ...common, stampsRequired: d.stampsRequired ?? 10 } : common;
      const r = await update.run({ programId: d.id!, patch });
      if (r.ok) {
        setSaved(true);
        router.refresh();
      }
    }
  }

  const unitLabel = d.kind === "stamps" ? "stamps" : d.kind === "cashback" ? "cashback" : "points";
  const minor = d.currency === "JPY" || d.currency === "KRW" ? 1 : 100;

  return (
    <form
      className="grid gap-6 lg:grid-cols-[1fr_20rem]"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <fieldset disabled={!canEdit || busy} className="min-w-0 space-y-6">
        <Section title="Basics">
          <div className="grid gap-4 sm:grid-cols-2">
            <Field label="Program name" htmlFor="p-name" error={fieldErrors.name}>
              <Input id="p-name" value={d.name} onChange={(e) => set({ name: e.target.value })} maxLength={80} required aria-invalid={Boolean(fieldErrors.name)} />
            </Field>
            <Field label="Kind" htmlFor="p-kind" hint={isNew ? "How customers collect." : "The kind is fixed once members have joined."}>
              <Select id="p-kind" value={d.kind} disabled={!isNew} onChange={(e) => set(defaultDraft(e.target.value as Kind, d.currency, d.design.backgroundColor, businessName))}>
                <option value="points">Points for every purchase</option>
                <option value="stamps">Stamp card (buy N, get one free)</option>
                <option value="cashback">Cashback (a percentage back)</option>
              </Select>
            </Field>
          </div>
        </Section>

        <Section title="Earning rules" description="Applied to the very next sale after you save.">
          <div className="grid gap-4 sm:grid-cols-3">
            {d.kind === "points" ? (
              <>
                <Field label="Earn by" htmlFor="r-basis">
                  <Select id="r-basis" value={d.rules.basis} onChange={(e) => setRules({ basis: e.target.value as "amount" | "visit" })}>
                    <option value="amount">Amount spent</option>
                    <option value="visit">Visit</option>
                  </Select>
                </Field>
                <Field label={d.rules.basis === "amount" ? `Points per 1 ${d.currency}` : "Points per visit"} htmlFor="r-rate" error={fieldErrors["rules.rate"]}>
                  <Input id="r-rate" type="number" min={0.01} step="any" value={d.rules.rate} onChange={(e) => setRules({ rate: num(e.target.value, 1) })} />
                </Field>
              </>
            ) : d.kind === "cashback" ? (
              <Field label="Cashback %" htmlFor="r-rate" error={fieldErrors["rules.rate"]}>
                <Input id="r-rate" type="number" min={0.1} max={100} step="any" value={d.rules.rate} onChange={(e) => setRules({ rate: num(e.target.value, 5) })} />
              </Field>
            ) : (
              <Field label="Stamps for a full card" htmlFor="r-stamps" error={fieldErrors.stampsRequired}>
                <Input id="r-stamps" type="number" min={2} max={50} value={d.stampsRequired ?? 10} onChange={(e) => set({ stampsRequired: num(e.target.value, 10) })} />
              </Field>
            )}
            <Field label={`Minimum spend (${d.currency})`} htmlFor="r-min" hint="Smaller purchases earn nothing.">
              <Input id="r-min" type="number" min={0} step="any" value={d.rules.minSpend / minor} onChange={(e) => setRules({ minSpend: Math.round(num(e.target.value) * minor) })} />
            </Field>
            <Field label={`Cap per purchase (${unitLabel})`} htmlFor="r-cap" hint="Empty: no cap.">
              <Input id="r-cap" type="number" min={1} value={d.rules.capPerTransaction ?? ""} onChange={(e) => setRules({ capPerTransaction: e.target.value ? num(e.target.value) : null })} />
            </Field>
            <Field label={`Cap per day (${unitLabel})`} htmlFor="r-capday" hint="Empty: no cap.">
              <Input id="r-capday" type="number" min={1} value={d.rules.capPerDay ?? ""} onChange={(e) => setRules({ capPerDay: e.target.value ? num(e.target.value) : null })} />
            </Field>
            <Field label="Rounding" htmlFor="r-round">
              <Select id="r-round" value={d.rules.rounding} onChange={(e) => setRules({ rounding: e.target.value as "floor" })}>
                <option value="floor">Round down</option>
                <option value="round">Round to nearest</option>
                <option value="ceil">Round up</option>
              </Select>
            </Field>
          </div>
          <Multipliers value={d.rules.multipliers} locations={locations} onChange={(multipliers) => setRules({ multipliers })} />
        </Section>

        <Section title="Tiers" description="Members climb tiers by what they earn; higher tiers can earn faster.">
          <label className="flex items-center gap-2 text-sm">
            <input
              type="checkbox"
              className="size-4 accent-brand-700"
              checked={d.tiers !== null}
              onChange={(e) =>
                set({
                  tiers: e.target.checked
                    ? { windowDays: 365, levels: [{ name: "Member", threshold: 0, multiplier: 1 }, { name: "Silver", threshold: 500, multiplier: 1.25 }, { name: "Gold", threshold: 1500, multiplier: 1.5 }] }
                    : null,
                })
              }
            />
            Use tiers
          </label>
          {d.tiers ? <Tiers value={d.tiers} onChange={(tiers) => set({ tiers })} error={fieldErrors["tiers.levels"] ?? fieldErrors.tiers} /> : null}
        </Section>

        <Section title="Expiry" description="Members get a reminder before points expire.">
          <div className="grid gap-4 sm:grid-cols-3">
            <Field label="Points expire" htmlFor="x-kind">
              <Select
                id="x-kind"
                value={d.expiry.kind}
                onChange={(e) => {
                  const k = e.target.value as Expiry["kind"];
                  set({ expiry: k === "never" ? { kind: "never" } : k === "fixed" ? { kind: "fixed", month: 12, day: 31 } : { kind: k, days: k === "rolling" ? 365 : 180 } });
                }}
              >
                <option value="never">Never</option>
                <option value="rolling">A fixed time after earning</option>
                <option value="fixed">Every year on a date</option>
                <option value="inactivity">After a period without visits</option>
              </Select>
            </Field>
            {d.expiry.kind === "rolling" || d.expiry.kind === "inactivity" ? (
              <Field label="Days" htmlFor="x-days" error={fieldErrors["expiry.days"]}>
                <Input id="x-days" type="number" min={1} max={3650} value={d.expiry.days} onChange={(e) => set({ expiry: { ...(d.expiry as { kind: "rolling"; days: number }), days: num(e.target.value, 1) } })} />
              </Field>
            ) : null}
            {d.expiry.kind === "fixed" ? (
              <>
                <Field label="Month" htmlFor="x-month">
                  <Select id="x-month" value={d.expiry.month} onChange={(e) => set({ expiry: { ...(d.expiry as { kind: "fixed"; month: number; day: number }), month: num(e.target.value, 12) } })}>
                    {MONTHS.map((m, i) => (
                      <option key={m} value={i + 1}>
                        {m}
                      </option>
                    ))}
                  </Select>
                </Field>
                <Field label="Day" htmlFor="x-day">
                  <Input id="x-day" type="number" min={1} max={31} value={d.expiry.day} onChange={(e) => set({ expiry: { ...(d.expiry as { kind: "fixed"; month: number; day: number }), day: num(e.target.value, 1) } })} />
                </Field>
              </>
            ) : null}
          </div>
        </Section>

        <Section title="Card design" description="What the card looks like in Apple Wallet and Google Wallet.">
          <div className="grid gap-4 sm:grid-cols-2">
            <ColorField id="d-bg" label="Background" value={d.design.backgroundColor} onChange={(v) => setDesign({ backgroundColor: v })} />
            <ColorField id="d-fg" label="Text" value={d.design.foregroundColor} onChange={(v) => setDesign({ foregroundColor: v })} />
            <ColorField id="d-label" label="Labels" value={d.design.labelColor} onChange={(v) => setDesign({ labelColor: v })} />
            <Field label="Name on the card" htmlFor="d-logo" hint="Defaults to your business name.">
              <Input id="d-logo" value={d.design.logoText ?? ""} maxLength={40} onChange={(e) => setDesign({ logoText: e.target.value })} />
            </Field>
          </div>
          <Contrast bg={d.design.backgroundColor} fg={d.design.foregroundColor} what="The text" />
          <Contrast bg={d.design.backgroundColor} fg={d.design.labelColor} what="The labels" />
        </Section>

        {error ? <Alert>{error}</Alert> : null}
        {saved ? <Alert tone="success">Saved. The next sale uses these settings, and wallet cards update shortly.</Alert> : null}
        {canEdit ? (
          <div className="flex gap-3">
            <Button type="submit" disabled={busy}>
              {busy ? "Saving…" : isNew ? "Create program" : "Save changes"}
            </Button>
          </div>
        ) : (
          <p className="text-sm text-gray-600">You can look but not change: ask an owner or admin.</p>
        )}
      </fieldset>

      <aside className="lg:sticky lg:top-6 lg:self-start">
        <p className="mb-3 text-sm font-medium text-gray-700">Live preview</p>
        <PassPreview
          businessName={businessName}
          programName={d.name}
          kind={d.kind}
          logoUrl={logoUrl}
          stampsRequired={d.stampsRequired}
          tierName={d.tiers?.levels[0]?.name ?? null}
          {...d.design}
        />
      </aside>
    </form>
  );
}

function Section({ title, description, children }: { title: string; description?: string; children: React.ReactNode }) {
  return (
    <section className="space-y-4 rounded-xl border border-gray-200 bg-white p-5 shadow-sm">
      <div>
        <h2 className="font-semibold">{title}</h2>
        {description ? <p className="text-sm text-gray-600">{description}</p> : null}
      </div>
      {children}
    </section>
  );
}

function ColorField({ id, label, value, onChange }: { id: string; label: string; value: string; onChange: (v: string) => void }) {
  return (
    <Field label={label} htmlFor={id}>
      <div className="flex items-center gap-2">
        <input type="color" aria-label={`${label} colour picker`} value={value} onChange={(e) => onChange(e.target.value)} className="h-9 w-12 cursor-pointer rounded border border-gray-300" />
        <Input id={id} value={value} onChange={(e) => onChange(e.target.value)} pattern="#[0-9a-fA-F]{6}" maxLength={7} className="font-mono" />
      </div>
    </Field>
  );
}

function luminance(hex: string) {
  const c = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
  return 0.2126 * c[0]! + 0.7152 * c[1]! + 0.0722 * c[2]!;
}

function Contrast({ bg, fg, what }: { bg: string; fg: string; what: string }) {
  if (!/^#[0-9a-f]{6}$/i.test(bg) || !/^#[0-9a-f]{6}$/i.test(fg)) return null;
  const [a, b] = [luminance(bg), luminance(fg)].sort((x, y) => y - x) as [number, number];
  const ratio = (a + 0.05) / (b + 0.05);
  return ratio < 4.5 ? <p className="text-sm text-amber-800">{what} may be hard to read on this background (contrast {ratio.toFixed(1)}:1). Aim for 4.5:1 or more.</p> : null;
}

function Multipliers({ value, locations, onChange }: { value: Multiplier[]; locations: { id: string; name: string }[]; onChange: (v: Multiplier[]) => void }) {
  const put = (i: number, m: Multiplier) => onChange(value.map((x, j) => (j === i ? m : x)));
  return (
    <div className="space-y-3">
      <h3 className="text-sm font-medium">Multipliers</h3>
      {value.length === 0 ? <p className="text-sm text-gray-600">None. Add happy hours or a slower location earning double.</p> : null}
      {value.map((m, i) => (
        <div key={i} className="space-y-3 rounded-lg border border-gray-200 p-3">
          <div className="flex flex-wrap items-end gap-3">
            <Field label="Factor" htmlFor={`m-f-${i}`}>
              <Input id={`m-f-${i}`} type="number" min={0.1} max={100} step="any" value={m.factor} className="w-24" onChange={(e) => put(i, { ...m, factor: num(e.target.value, 1) })} />
            </Field>
            <Field label="Label" htmlFor={`m-l-${i}`}>
              <Input id={`m-l-${i}`} value={m.label ?? ""} maxLength={80} placeholder="Happy hour" onChange={(e) => put(i, { ...m, label: e.target.value })} />
            </Field>
            <Button type="button" variant="ghost" onClick={() => onChange(value.filter((_, j) => j !== i))}>
              Remove
            </Button>
          </div>
          {m.kind === "schedule" ? (
            <div className="flex flex-wrap items-end gap-3">
              <fieldset>
                <legend className="mb-1 text-sm font-medium">Days</legend>
                <div className="flex flex-wrap gap-1">
                  {WEEKDAYS.map((w, day) => {
                    const on = m.weekdays.includes(day);
                    return (
                      <label key={w} className={cx("cursor-pointer rounded-md border px-2 py-1 text-xs", on ? "border-brand-700 bg-brand-50 text-brand-800" : "border-gray-300")}>
                        <input
                          type="checkbox"
                          className="sr-only"
                          checked={on}
                          onChange={() => put(i, { ...m, weekdays: on ? m.weekdays.filter((x) => x !== day) : [...m.weekdays, day].sort() })}
                        />
                        {w}
                      </label>
                    );
                  })}
                </div>
              </fieldset>
              <Field label="From" htmlFor={`m-from-${i}`}>
                <input id={`m-from-${i}`} type="time" className={inputClass} value={m.from ?? ""} onChange={(e) => put(i, { ...m, from: e.target.value || undefined })} />
              </Field>
              <Field label="To" htmlFor={`m-to-${i}`}>
                <input id={`m-to-${i}`} type="time" className={inputClass} value={m.to ?? ""} onChange={(e) => put(i, { ...m, to: e.target.value || undefined })} />
              </Field>
            </div>
          ) : (
            <fieldset>
              <legend className="mb-1 text-sm font-medium">Locations</legend>
              <div className="flex flex-wrap gap-3">
                {locations.map((l) => (
                  <label key={l.id} className="flex items-center gap-1.5 text-sm">
                    <input
                      type="checkbox"
                      className="size-4 accent-brand-700"
                      checked={m.locationIds.includes(l.id)}
                      onChange={(e) => put(i, { ...m, locationIds: e.target.checked ? [...m.locationIds, l.id] : m.locationIds.filter((x) => x !== l.id) })}
                    />
                    {l.name}
                  </label>
                ))}
              </div>
            </fieldset>
          )}
        </div>
      ))}
      <div className="flex flex-wrap gap-2">
        <Button type="button" variant="secondary" onClick={() => onChange([...value, { kind: "schedule", weekdays: [1, 2, 3, 4, 5], from: "14:00", to: "16:00", factor: 2, label: "Afternoon double" }])}>
          Add a time multiplier
        </Button>
        {locations.length > 0 ? (
          <Button type="button" variant="secondary" onClick={() => onChange([...value, { kind: "location", locationIds: [locations[0]!.id], factor: 2, label: "" }])}>
            Add a location multiplier
          </Button>
        ) : null}
      </div>
    </div>
  );
}

function Tiers({ value, onChange, error }: { value: { windowDays: number; levels: Level[] }; onChange: (v: { windowDays: number; levels: Level[] }) => void; error?: string }) {
  const put = (i: number, l: Level) => onChange({ ...value, levels: value.levels.map((x, j) => (j === i ? l : x)) });
  return (
    <div className="space-y-3">
      <Field label="Counted over the last (days)" htmlFor="t-window">
        <Input id="t-window" type="number" min={1} max={3650} value={value.windowDays} className="w-32" onChange={(e) => onChange({ ...value, windowDays: num(e.target.value, 365) })} />
      </Field>
      <table className="w-full text-sm">
        <thead>
          <tr className="text-left text-gray-600">
            <th className="pb-1 font-medium">Tier</th>
            <th className="pb-1 font-medium">From (points earned)</th>
            <th className="pb-1 font-medium">Earns ×</th>
            <th className="sr-only">Remove</th>
          </tr>
        </thead>
        <tbody>
          {value.levels.map((l, i) => (
            <tr key={i}>
              <td className="py-1 pr-2">
                <Input aria-label={`Tier ${i + 1} name`} value={l.name} maxLength={40} onChange={(e) => put(i, { ...l, name: e.target.value })} />
              </td>
              <td className="py-1 pr-2">
                <Input aria-label={`Tier ${i + 1} threshold`} type="number" min={0} value={l.threshold} onChange={(e) => put(i, { ...l, threshold: num(e.target.value) })} />
              </td>
              <td className="py-1 pr-2">
                <Input aria-label={`Tier ${i + 1} multiplier`} type="number" min={0.1} step="any" value={l.multiplier} onChange={(e) => put(i, { ...l, multiplier: num(e.target.value, 1) })} />
              </td>
              <td className="py-1">
                <Button type="button" variant="ghost" disabled={value.levels.length <= 1} onClick={() => onChange({ ...value, levels: value.levels.filter((_, j) => j !== i) })}>
                  Remove
                </Button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {error ? <p className="text-sm text-red-700">{error}</p> : null}
      <Button
        type="button"
        variant="secondary"
        disabled={value.levels.length >= 10}
        onClick={() => onChange({ ...value, levels: [...value.levels, { name: `Tier ${value.levels.length + 1}`, threshold: (value.levels.at(-1)?.threshold ?? 0) + 1000, multiplier: 1 }] })}
      >
        Add a tier
      </Button>
    </div>
  );
}
