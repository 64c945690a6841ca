"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { useAction } from "@/components/use-action";
import type { ProgramKind, ProgramSettings } from "@/lib/programs/schema";
import { createProgramAction, updateProgramAction } from "../actions";

/** A program being edited: its settings, and its id once it exists. */
export type ProgramDraft = ProgramSettings & { id?: string };

export function defaultDraft(kind: ProgramKind, currency: string, brandColor: string, businessName: string): ProgramDraft {
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
    endsAt: null,
  };
}

/**
 * The editor's state: the draft, setters for its parts, and `save()`, which creates the program
 * (then `onSaved`, or its page) or updates it (then refreshes the page).
 */
export function useProgramDraft(initial: ProgramDraft, onSaved?: (id: string) => void) {
  const router = useRouter();
  const [draft, setDraft] = useState(initial);
  const [saved, setSaved] = useState(false);
  const create = useAction(createProgramAction);
  const update = useAction(updateProgramAction);
  const isNew = !draft.id;

  const set = (patch: Partial<ProgramDraft>) => {
    setSaved(false);
    setDraft((prev) => ({ ...prev, ...patch }));
  };
  const setRules = (patch: Partial<ProgramDraft["rules"]>) => set({ rules: { ...draft.rules, ...patch } });
  const setDesign = (patch: Partial<ProgramDraft["design"]>) => set({ design: { ...draft.design, ...patch } });

  async function save() {
    const d = draft;
    const common = {
      name: d.name,
      rules: d.rules,
      tiers: d.tiers,
      expiry: d.expiry,
      reminderDays: d.reminderDays,
      endsAt: d.endsAt,
      design: { ...d.design, logoText: d.design.logoText || undefined, logoUrl: d.design.logoUrl || undefined },
    };
    if (isNew) {
      const input = d.kind === "stamps" ? { ...common, kind: "stamps" as const, stampsRequired: d.stampsRequired ?? 10 } : { ...common, kind: d.kind };
      const r = await create.run(input);
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

  return {
    draft,
    isNew,
    set,
    setRules,
    setDesign,
    save,
    saved,
    busy: create.pending || update.pending,
    error: create.error ?? update.error,
    fieldErrors: { ...create.fieldErrors, ...update.fieldErrors },
  };
}
