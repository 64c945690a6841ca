"use client";

import { useState } from "react";
import { ActionButton, Checkbox, FormMessages, SubmitButton } from "@/components/form";
import { Field, Input, Select, byName, inputClass } from "@/components/ui";
import { useFormAction } from "@/components/use-action";
import { inputStep, parseAmount } from "@/lib/money";
import { cancelCampaignAction, createCampaignAction } from "./actions";

type ProgramOption = { id: string; name: string; kind: "points" | "stamps" | "cashback"; currency: string; tiers: string[] };
type SegmentOption = { id: string; name: string };
type AudienceKind = "everyone" | "tier" | "inactive" | "birthday_month" | "segment";
type EffectKind = "multiplier" | "bonus" | "double_stamps";
type Input = Parameters<typeof createCampaignAction>[0];

export function CampaignForm({ programs, segments, timezone, defaults }: { programs: ProgramOption[]; segments: SegmentOption[]; timezone: string; defaults: { startsAt: string; endsAt: string } }) {
  const [programId, setProgramId] = useState(programs[0]!.id);
  const program = programs.find((p) => p.id === programId)!;
  const [audience, setAudience] = useState<AudienceKind>("everyone");
  const effects: EffectKind[] = program.kind === "stamps" ? ["double_stamps", "bonus"] : ["multiplier", "bonus"];
  const [effect, setEffect] = useState<EffectKind>(effects[0]!);
  const effectKind = effects.includes(effect) ? effect : effects[0]!;
  const [announce, setAnnounce] = useState(true);
  const [done, setDone] = useState<string | null>(null);
  const ownSegments = segments;
  const { onSubmit, pending, error, fieldErrors } = useFormAction(createCampaignAction, {
    input: (d) => {
      const text = (k: string) => String(d.get(k) ?? "");
      // Cashback is typed as money ("2.50" USD) and sent in minor units (250); a count otherwise.
      // What the currency does not allow ("2.505" USD) becomes NaN, which the schema refuses on the field.
      const amount = (k: string) => (program.kind === "cashback" ? (parseAmount(text(k), program.currency) ?? Number.NaN) : Number(text(k)));
      return {
        programId,
        name: text("name"),
        startsAt: text("startsAt"),
        endsAt: text("endsAt"),
        schedule: true,
        audience:
          audience === "tier"
            ? { kind: "tier", tier: text("tier") }
            : audience === "inactive"
              ? { kind: "inactive", days: Number(text("days")) }
              : audience === "segment"
                ? { kind: "segment", segmentId: text("segmentId") }
                : { kind: audience },
        effect: effectKind === "multiplier" ? { kind: "multiplier", factor: Number(text("factor")) } : effectKind === "bonus" ? { kind: "bonus", points: amount("points") } : { kind: "double_stamps" },
        budget: text("budget") === "" ? null : amount("budget"),
        holdoutPercent: text("holdoutPercent") === "" ? 0 : Number(text("holdoutPercent")),
        announcement: announce ? { subject: text("subject"), message: text("message"), email: d.get("email") === "on", wallet: d.get("wallet") === "on" } : null,
      } as Input;
    },
    onSuccess: (_campaign, input) => setDone(input.name),
    onFailure: () => setDone(null),
  });
  const fe = (path: string) => fieldErrors[path];

  return (
    <form noValidate className="space-y-5" onSubmit={onSubmit}>
      <div className="grid gap-4 sm:grid-cols-2">
        <Field label="Name" htmlFor="c-name" error={fe("name")} hint="Only your team sees it.">
          <Input id="c-name" name="name" maxLength={80} required placeholder="Double points weekend" aria-invalid={Boolean(fe("name"))} />
        </Field>
        <Field label="Program" htmlFor="c-program" error={fe("programId")}>
          <Select id="c-program" value={programId} onChange={(e) => setProgramId(e.target.value)} options={byName(programs)} />
        </Field>
        <Field label="Starts" htmlFor="c-start" error={fe("startsAt")} hint={`${timezone.replace(/_/g, " ")} time`}>
          <Input id="c-start" name="startsAt" type="datetime-local" defaultValue={defaults.startsAt} required aria-invalid={Boolean(fe("startsAt"))} />
        </Field>
        <Field label="Ends" htmlFor="c-end" error={fe("endsAt")} hint={`${timezone.replace(/_/g, " ")} time`}>
          <Input id="c-end" name="endsAt" type="datetime-local" defaultValue={defaults.endsAt} required aria-invalid={Boolean(fe("endsAt"))} />
        </Field>
      </div>

      <fieldset className="grid gap-4 sm:grid-cols-2">
        <legend className="mb-2 text-sm font-semibold">Who gets it</legend>
        <Field label="Audience" htmlFor="c-audience" error={fe("audience") ?? fe("audience.kind")}>
          <Select id="c-audience" value={audience} onChange={(e) => setAudience(e.target.value as AudienceKind)}>
            <option value="everyone">Every member</option>
            <option value="tier" disabled={program.tiers.length === 0}>
              Members of a tier
            </option>
            <option value="inactive">Members who have not visited for a while</option>
            <option value="birthday_month">Members with a birthday this month</option>
            <option value="segment" disabled={ownSegments.length === 0}>
              A saved segment
            </option>
          </Select>
        </Field>
        {audience === "tier" ? (
          <Field label="Tier" htmlFor="c-tier" error={fe("audience.tier")}>
            <Select id="c-tier" name="tier" options={program.tiers.map((t) => ({ value: t, label: t }))} />
          </Field>
        ) : audience === "inactive" ? (
          <Field label="No visit for (days)" htmlFor="c-days" error={fe("audience.days")}>
            <Input id="c-days" name="days" type="number" min={1} max={3650} defaultValue={60} aria-invalid={Boolean(fe("audience.days"))} />
          </Field>
        ) : audience === "segment" ? (
          <Field label="Segment" htmlFor="c-segment" error={fe("audience.segmentId")}>
            <Select id="c-segment" name="segmentId" options={byName(ownSegments)} />
          </Field>
        ) : (
          <p className="self-end text-xs text-gray-600">The audience is fixed when the campaign starts.</p>
        )}
        <Field
          label="Holdout (% who get nothing)"
          htmlFor="c-holdout"
          error={fe("holdoutPercent")}
          hint="Up to 50 %. Drawn at random when it starts, to measure what the campaign changed."
        >
          <Input id="c-holdout" name="holdoutPercent" type="number" min={0} max={50} defaultValue={0} aria-invalid={Boolean(fe("holdoutPercent"))} />
        </Field>
      </fieldset>

      <fieldset className="grid gap-4 sm:grid-cols-2">
        <legend className="mb-2 text-sm font-semibold">What they get</legend>
        <Field label="Effect" htmlFor="c-effect" error={fe("effect") ?? fe("effect.kind")}>
          <Select id="c-effect" value={effectKind} onChange={(e) => setEffect(e.target.value as EffectKind)}>
            {effects.map((k) => (
              <option key={k} value={k}>
                {k === "multiplier" ? "More points on every purchase" : k === "bonus" ? "A one-off bonus when it starts" : "Double stamps on every visit"}
              </option>
            ))}
          </Select>
        </Field>
        {effectKind === "multiplier" ? (
          <Field label="Multiplier" htmlFor="c-factor" error={fe("effect.factor")} hint="2 means double points, 1.5 half as many again.">
            <Input id="c-factor" name="factor" type="number" min={1.1} max={10} step={0.1} defaultValue={2} aria-invalid={Boolean(fe("effect.factor"))} />
          </Field>
        ) : effectKind === "bonus" ? (
          <Field label={program.kind === "stamps" ? "Bonus stamps" : program.kind === "cashback" ? `Bonus (${program.currency})` : "Bonus points"} htmlFor="c-points" error={fe("effect.points")}>
            <Input
              id="c-points"
              name="points"
              type="number"
              min={program.kind === "cashback" ? 0 : 1}
              step={program.kind === "cashback" ? inputStep(program.currency) : 1}
              defaultValue={program.kind === "stamps" ? 1 : program.kind === "cashback" ? undefined : 50}
              aria-invalid={Boolean(fe("effect.points"))}
            />
          </Field>
        ) : (
          <p className="self-end text-xs text-gray-600">Each visit during the campaign gives two stamps.</p>
        )}
        <Field
          label={program.kind === "cashback" ? `Budget (${program.currency})` : `Budget (${program.kind === "stamps" ? "stamps" : "points"})`}
          htmlFor="c-budget"
          error={fe("budget")}
          hint={program.kind === "cashback" ? "Required for cashback: the campaign stops giving once it has given this much." : "Optional: the campaign stops giving once it has given this much."}
        >
          <Input id="c-budget" name="budget" type="number" min={program.kind === "cashback" ? 0 : 1} step={program.kind === "cashback" ? inputStep(program.currency) : 1} aria-invalid={Boolean(fe("budget"))} />
        </Field>
      </fieldset>

      <fieldset className="space-y-4">
        <legend className="mb-2 text-sm font-semibold">Tell members</legend>
        <Checkbox checked={announce} onChange={(e) => setAnnounce(e.target.checked)} label="Announce it when it starts" />
        {announce ? (
          <div className="grid gap-4 sm:grid-cols-2">
            <Field label="Subject" htmlFor="c-subject" error={fe("announcement.subject")} hint="The email subject and the title of the wallet message.">
              <Input id="c-subject" name="subject" maxLength={120} placeholder="Double points this weekend" aria-invalid={Boolean(fe("announcement.subject"))} />
            </Field>
            <Field label="Message" htmlFor="c-message" error={fe("announcement.message")}>
              <textarea
                id="c-message"
                name="message"
                rows={3}
                maxLength={2000}
                className={inputClass}
                aria-invalid={Boolean(fe("announcement.message"))}
                placeholder="Come by on Saturday or Sunday and every coffee counts twice."
              />
            </Field>
            <div className="flex flex-wrap gap-6 text-sm sm:col-span-2">
              <Checkbox name="email" defaultChecked label="Email (to members who accepted marketing)" />
              <Checkbox name="wallet" defaultChecked label="Wallet message on the card" />
            </div>
          </div>
        ) : null}
      </fieldset>

      <FormMessages className="space-y-2" error={error} success={done ? `“${done}” is scheduled. It starts and ends by itself.` : null} />
      <SubmitButton pending={pending} pendingLabel="Scheduling…">
        Schedule campaign
      </SubmitButton>
    </form>
  );
}

export function CancelCampaign({ campaignId, name, running }: { campaignId: string; name: string; running: boolean }) {
  return (
    <ActionButton
      action={cancelCampaignAction}
      input={{ campaignId }}
      aria-label={`${running ? "Stop" : "Cancel"} ${name}`}
      confirm={running ? `Stop “${name}” now? Earns from now on get no extra points.` : `Cancel “${name}”? Nothing will happen and nobody is told.`}
    >
      {running ? "Stop" : "Cancel"}
    </ActionButton>
  );
}
