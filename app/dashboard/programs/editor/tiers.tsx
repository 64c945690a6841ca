"use client";

import { Button, Field, Input } from "@/components/ui";
import { Section, num, type FieldErrors } from "./section";
import type { ProgramDraft } from "./use-program-draft";

type Ladder = NonNullable<ProgramDraft["tiers"]>;
type Level = Ladder["levels"][number];

/** Tiers on or off, and the ladder: names, thresholds in points earned, earning multipliers. */
export function TiersSection({ draft: d, fieldErrors, set }: { draft: ProgramDraft; fieldErrors: FieldErrors; set: (patch: Partial<ProgramDraft>) => void }) {
  return (
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
  );
}

function Tiers({ value, onChange, error }: { value: Ladder; onChange: (v: Ladder) => void; error?: string }) {
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
