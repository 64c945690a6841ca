"use client";

import { Field, Input, Select } from "@/components/ui";
import type { ProgramKind } from "@/lib/programs/schema";
import { Section, type FieldErrors } from "./section";
import { defaultDraft, type ProgramDraft } from "./use-program-draft";

/** Name and kind; changing the kind of a new program starts its draft over with that kind's defaults. */
export function BasicsSection({ draft, isNew, businessName, fieldErrors, set }: { draft: ProgramDraft; isNew: boolean; businessName: string; fieldErrors: FieldErrors; set: (patch: Partial<ProgramDraft>) => void }) {
  return (
    <Section title="Basics">
      <div className="grid gap-4 sm:grid-cols-2">
        <Field label="Program name" htmlFor="p-name" error={fieldErrors.name}>
          <Input id="p-name" value={draft.name} onChange={(e) => set({ name: e.target.value })} maxLength={80} required aria-invalid={Boolean(fieldErrors.name)} />
        </Field>
        <Field label="Kind" htmlFor="p-kind" hint={isNew ? "How customers collect." : "The kind is fixed once members have joined."}>
          <Select id="p-kind" value={draft.kind} disabled={!isNew} onChange={(e) => set(defaultDraft(e.target.value as ProgramKind, draft.currency, draft.design.backgroundColor, businessName))}>
            <option value="points">Points for every purchase</option>
            <option value="stamps">Stamp card (buy N, get one free)</option>
            <option value="cashback">Cashback (a percentage back)</option>
          </Select>
        </Field>
      </div>
    </Section>
  );
}
