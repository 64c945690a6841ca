"use client";

import { Button, Field, Input, Select, cx, inputClass } from "@/components/ui";
import type { Multiplier } from "@/lib/rules/schema";
import { MoneyField } from "./money-field";
import { Section, num, type FieldErrors } from "./section";
import type { ProgramDraft } from "./use-program-draft";

const WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

/** How a purchase or visit earns: the rate, minimum spend, caps, rounding and multipliers. */
export function EarningSection({
  draft: d,
  locations,
  fieldErrors,
  set,
  setRules,
}: {
  draft: ProgramDraft;
  locations: { id: string; name: string }[];
  fieldErrors: FieldErrors;
  set: (patch: Partial<ProgramDraft>) => void;
  setRules: (patch: Partial<ProgramDraft["rules"]>) => void;
}) {
  const unitLabel = d.kind === "stamps" ? "stamps" : d.kind === "cashback" ? `${d.currency} cashback` : "points";
  return (
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
        <MoneyField
          key={`min-${d.kind}`}
          id="r-min"
          label={`Minimum spend (${d.currency})`}
          hint="Smaller purchases earn nothing."
          error={fieldErrors["rules.minSpend"]}
          currency={d.currency}
          value={d.rules.minSpend}
          onChange={(minor) => setRules({ minSpend: minor ?? 0 })}
        />
        <CapField key={`cap-${d.kind}`} id="r-cap" label={`Cap per purchase (${unitLabel})`} draft={d} value={d.rules.capPerTransaction} onChange={(v) => setRules({ capPerTransaction: v })} />
        <CapField key={`capday-${d.kind}`} id="r-capday" label={`Cap per day (${unitLabel})`} draft={d} value={d.rules.capPerDay} onChange={(v) => setRules({ capPerDay: v })} />
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
  );
}

/** A cap on what is earned: money for cashback (minor units of the program's currency), a count otherwise. Empty: no cap. */
function CapField({ id, label, draft, value, onChange }: { id: string; label: string; draft: ProgramDraft; value: number | null; onChange: (v: number | null) => void }) {
  if (draft.kind === "cashback") return <MoneyField id={id} label={label} hint="Empty: no cap." currency={draft.currency} value={value} optional onChange={(v) => onChange(v === 0 ? null : v)} />;
  return (
    <Field label={label} htmlFor={id} hint="Empty: no cap.">
      <Input id={id} type="number" min={1} value={value ?? ""} onChange={(e) => onChange(e.target.value ? num(e.target.value) : null)} />
    </Field>
  );
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
