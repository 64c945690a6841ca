"use client";

import { Alert, Button } from "@/components/ui";
import { BasicsSection } from "./editor/basics";
import { DesignPreview, DesignSection } from "./editor/design";
import { EarningSection } from "./editor/earning";
import { ExpirySection } from "./editor/expiry";
import { TiersSection } from "./editor/tiers";
import { useProgramDraft, type ProgramDraft } from "./editor/use-program-draft";

export { defaultDraft, type ProgramDraft } from "./editor/use-program-draft";

/** Creates or edits a program: one section per part of its settings, and a live preview of the wallet card. */
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
  const { draft, isNew, set, setRules, setDesign, save, saved, busy, error, fieldErrors } = useProgramDraft(initial, onSaved);
  return (
    <form
      className="grid gap-6 lg:grid-cols-[1fr_20rem]"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <fieldset disabled={!canEdit || busy} className="min-w-0 space-y-6">
        <BasicsSection draft={draft} isNew={isNew} businessName={businessName} fieldErrors={fieldErrors} set={set} />
        <EarningSection draft={draft} locations={locations} fieldErrors={fieldErrors} set={set} setRules={setRules} />
        <TiersSection draft={draft} fieldErrors={fieldErrors} set={set} />
        <ExpirySection draft={draft} fieldErrors={fieldErrors} set={set} />
        <DesignSection draft={draft} setDesign={setDesign} />

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
      <DesignPreview draft={draft} businessName={businessName} logoUrl={logoUrl} />
    </form>
  );
}
