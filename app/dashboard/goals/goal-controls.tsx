"use client";

import { useState } from "react";
import { ActionButton, FormMessages, SubmitButton } from "@/components/form";
import { Field, Input, Select, byName } from "@/components/ui";
import { useFormAction } from "@/components/use-action";
import { inputStep, parseAmount } from "@/lib/money";
import { cancelGoalAction, createGoalAction, updateGoalAction } from "./actions";

type ProgramOption = { id: string; name: string; kind: "points" | "stamps" | "cashback"; currency: string; rewards: { id: string; name: string }[] };
type Metric = "visits" | "earned" | "spend";
type Input = Parameters<typeof createGoalAction>[0];

const METRICS: Record<Metric, string> = { visits: "Visits (one per purchase or scan)", earned: "What members earn", spend: "What members spend" };

function earnedLabel(kind: ProgramOption["kind"], currency: string) {
  return kind === "stamps" ? "stamps" : kind === "cashback" ? `cashback (${currency})` : "points";
}

/** Sets up a group goal: what counts, the target, the window, and what every participant gets. */
export function GoalForm({ programs, locations, timezone, defaults }: { programs: ProgramOption[]; locations: { id: string; name: string }[]; timezone: string; defaults: { startsAt: string; endsAt: string } }) {
  const [programId, setProgramId] = useState(programs[0]!.id);
  const program = programs.find((p) => p.id === programId)!;
  const metrics: Metric[] = program.kind === "stamps" ? ["visits", "earned"] : ["visits", "earned", "spend"];
  const [metric, setMetric] = useState<Metric>("visits");
  const metricKind = metrics.includes(metric) ? metric : metrics[0]!;
  const [rewardKind, setRewardKind] = useState<"voucher" | "points">(program.rewards.length > 0 ? "voucher" : "points");
  const kind = rewardKind === "voucher" && program.rewards.length === 0 ? "points" : rewardKind;
  const [done, setDone] = useState<string | null>(null);
  const money = metricKind === "spend" || (metricKind === "earned" && program.kind === "cashback");
  const { onSubmit, pending, error, fieldErrors } = useFormAction(createGoalAction, {
    input: (d) => {
      const text = (k: string) => String(d.get(k) ?? "");
      const amount = (k: string, isMoney: boolean) => (isMoney ? (parseAmount(text(k), program.currency) ?? Number.NaN) : Number(text(k)));
      return {
        programId,
        locationId: text("locationId") || null,
        name: text("name"),
        metric: metricKind,
        target: amount("target", money),
        startsAt: text("startsAt"),
        endsAt: text("endsAt"),
        reward: kind === "voucher" ? { kind: "voucher", rewardId: text("rewardId") } : { kind: "points", points: amount("points", program.kind === "cashback") },
      } as Input;
    },
    onSuccess: (_goal, input) => setDone(input.name),
    onFailure: () => setDone(null),
  });
  const fe = (path: string) => fieldErrors[path];

  return (
    <form noValidate className="space-y-5" onSubmit={onSubmit}>
      <div className="grid gap-4 sm:grid-cols-2">
        <Field label="Name" htmlFor="g-name" error={fe("name")} hint="Members see it on their card and pass.">
          <Input id="g-name" name="name" maxLength={80} required placeholder="1,000 coffees in June" aria-invalid={Boolean(fe("name"))} />
        </Field>
        <Field label="Program" htmlFor="g-program" error={fe("programId")}>
          <Select id="g-program" value={programId} onChange={(e) => setProgramId(e.target.value)} options={byName(programs)} />
        </Field>
        <Field label="Where" htmlFor="g-location" error={fe("locationId")} hint="A location's goal counts only purchases and scans there.">
          <Select id="g-location" name="locationId" defaultValue="">
            <option value="">Every location</option>
            {locations.map((l) => (
              <option key={l.id} value={l.id}>
                {l.name}
              </option>
            ))}
          </Select>
        </Field>
        <Field label="Counts" htmlFor="g-metric" error={fe("metric")}>
          <Select id="g-metric" value={metricKind} onChange={(e) => setMetric(e.target.value as Metric)}>
            {metrics.map((m) => (
              <option key={m} value={m}>
                {m === "earned" ? `What members earn (${earnedLabel(program.kind, program.currency)})` : METRICS[m]}
              </option>
            ))}
          </Select>
        </Field>
        <Field label={money ? `Target (${program.currency})` : metricKind === "visits" ? "Target (visits)" : `Target (${earnedLabel(program.kind, program.currency)})`} htmlFor="g-target" error={fe("target")}>
          <Input id="g-target" name="target" type="number" min={money ? 0 : 1} step={money ? inputStep(program.currency) : 1} defaultValue={money ? undefined : 1000} required aria-invalid={Boolean(fe("target"))} />
        </Field>
        <div />
        <Field label="Starts" htmlFor="g-start" error={fe("startsAt")} hint={`${timezone.replace(/_/g, " ")} time`}>
          <Input id="g-start" name="startsAt" type="datetime-local" defaultValue={defaults.startsAt} required aria-invalid={Boolean(fe("startsAt"))} />
        </Field>
        <Field label="Ends" htmlFor="g-end" error={fe("endsAt")} hint={`${timezone.replace(/_/g, " ")} time`}>
          <Input id="g-end" name="endsAt" type="datetime-local" defaultValue={defaults.endsAt} required aria-invalid={Boolean(fe("endsAt"))} />
        </Field>
      </div>

      <fieldset className="grid gap-4 sm:grid-cols-2">
        <legend className="mb-2 text-sm font-semibold">What every participant gets when it is reached</legend>
        <Field label="Reward" htmlFor="g-reward-kind" error={fe("reward") ?? fe("reward.kind")}>
          <Select id="g-reward-kind" value={kind} onChange={(e) => setRewardKind(e.target.value as "voucher" | "points")}>
            <option value="voucher" disabled={program.rewards.length === 0}>
              A reward from the catalogue
            </option>
            <option value="points">{program.kind === "stamps" ? "Bonus stamps" : program.kind === "cashback" ? "Bonus cashback" : "Bonus points"}</option>
          </Select>
        </Field>
        {kind === "voucher" ? (
          <Field label="Catalogue reward" htmlFor="g-reward" error={fe("reward.rewardId")}>
            <Select id="g-reward" name="rewardId" options={byName(program.rewards)} />
          </Field>
        ) : (
          <Field label={program.kind === "cashback" ? `Bonus (${program.currency})` : program.kind === "stamps" ? "Bonus stamps" : "Bonus points"} htmlFor="g-points" error={fe("reward.points")}>
            <Input
              id="g-points"
              name="points"
              type="number"
              min={program.kind === "cashback" ? 0 : 1}
              step={program.kind === "cashback" ? inputStep(program.currency) : 1}
              defaultValue={program.kind === "cashback" ? undefined : 50}
              aria-invalid={Boolean(fe("reward.points"))}
            />
          </Field>
        )}
      </fieldset>

      <FormMessages className="space-y-2" error={error} success={done ? `“${done}” is running. Members see its progress on their card.` : null} />
      <SubmitButton pending={pending} pendingLabel="Creating…">
        Create goal
      </SubmitButton>
    </form>
  );
}

/** Changes a running goal's name, target or end. */
export function EditGoal({ goal, money, currency, timezone }: { goal: { id: string; name: string; target: number; targetText: string; endsAt: string }; money: boolean; currency: string; timezone: string }) {
  const [saved, setSaved] = useState(false);
  const { onSubmit, pending, error, fieldErrors } = useFormAction(updateGoalAction, {
    input: (d) => {
      const text = (k: string) => String(d.get(k) ?? "");
      return { goalId: goal.id, name: text("name"), target: money ? (parseAmount(text("target"), currency) ?? Number.NaN) : Number(text("target")), endsAt: text("endsAt") };
    },
    onSuccess: () => setSaved(true),
    onFailure: () => setSaved(false),
    reset: false,
  });
  const pre = `g-${goal.id}`;
  return (
    <form noValidate className="grid gap-3 sm:grid-cols-[1fr_10rem_14rem_auto] sm:items-end" onSubmit={onSubmit}>
      <Field label="Name" htmlFor={`${pre}-name`} error={fieldErrors.name}>
        <Input id={`${pre}-name`} name="name" defaultValue={goal.name} maxLength={80} />
      </Field>
      <Field label={money ? `Target (${currency})` : "Target"} htmlFor={`${pre}-target`} error={fieldErrors.target}>
        <Input id={`${pre}-target`} name="target" type="number" min={money ? 0 : 1} step={money ? inputStep(currency) : 1} defaultValue={goal.targetText} />
      </Field>
      <Field label="Ends" htmlFor={`${pre}-end`} error={fieldErrors.endsAt} hint={`${timezone.replace(/_/g, " ")} time`}>
        <Input id={`${pre}-end`} name="endsAt" type="datetime-local" defaultValue={goal.endsAt} />
      </Field>
      <div className="flex items-start gap-2">
        <SubmitButton pending={pending}>Save</SubmitButton>
        <ActionButton action={cancelGoalAction} input={{ goalId: goal.id }} aria-label={`Stop ${goal.name}`} confirm={`Stop “${goal.name}” now? Nobody is rewarded.`}>
          Stop
        </ActionButton>
      </div>
      <FormMessages className="sm:col-span-4" error={error} success={saved ? <p className="text-sm text-emerald-800">Saved.</p> : null} />
    </form>
  );
}
