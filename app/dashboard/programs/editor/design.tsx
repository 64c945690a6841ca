"use client";

import { PassPreview } from "@/components/pass-preview";
import { Field, Input } from "@/components/ui";
import { Section } from "./section";
import type { ProgramDraft } from "./use-program-draft";

/** The pass colours and name on the card, with contrast warnings. */
export function DesignSection({ draft: d, setDesign }: { draft: ProgramDraft; setDesign: (patch: Partial<ProgramDraft["design"]>) => void }) {
  return (
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
  );
}

/** The live wallet-card preview beside the form. */
export function DesignPreview({ draft: d, businessName, logoUrl }: { draft: ProgramDraft; businessName: string; logoUrl: string | null }) {
  return (
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
