"use client";

import { Field, Input, Select } from "@/components/ui";
import { Section, num, type FieldErrors } from "./section";
import type { ProgramDraft } from "./use-program-draft";

type Expiry = ProgramDraft["expiry"];

const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

/** When points expire: never, a time after earning, a yearly date, or after inactivity. */
export function ExpirySection({ draft: d, fieldErrors, set }: { draft: ProgramDraft; fieldErrors: FieldErrors; set: (patch: Partial<ProgramDraft>) => void }) {
  return (
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
            <Input id="x-days" type="number" min={1} max={3650} value={d.expiry.days} onChange={(e) => set({ expiry: { ...(d.expiry as Extract<Expiry, { days: number }>), days: num(e.target.value, 1) } })} />
          </Field>
        ) : null}
        {d.expiry.kind === "fixed" ? (
          <>
            <Field label="Month" htmlFor="x-month">
              <Select id="x-month" value={d.expiry.month} onChange={(e) => set({ expiry: { ...(d.expiry as Extract<Expiry, { kind: "fixed" }>), month: num(e.target.value, 12) } })}>
                {MONTHS.map((m, i) => (
                  <option key={m} value={i + 1}>
                    {m}
                  </option>
                ))}
              </Select>
            </Field>
            <Field label="Day" htmlFor="x-day">
              <Input id="x-day" type="number" min={1} max={31} value={d.expiry.day} onChange={(e) => set({ expiry: { ...(d.expiry as Extract<Expiry, { kind: "fixed" }>), day: num(e.target.value, 1) } })} />
            </Field>
          </>
        ) : null}
        <Field label="Program ends on" htmlFor="x-ends" hint="Optional. Wallet passes expire at the end of this day (UTC)." error={fieldErrors.endsAt}>
          <Input
            id="x-ends"
            type="date"
            value={d.endsAt ? d.endsAt.slice(0, 10) : ""}
            onChange={(e) => set({ endsAt: e.target.value ? `${e.target.value}T23:59:59.000Z` : null })}
          />
        </Field>
      </div>
    </Section>
  );
}
