"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { ActionButton, FormMessages, SubmitButton } from "@/components/form";
import { Field, Input, Select, inputClass } from "@/components/ui";
import { useFormAction } from "@/components/use-action";
import { formatDecimal, inputStep, parseAmount } from "@/lib/money";
import { duplicateCampaignAction, sendTestEmailAction, startCampaignAction, updateCampaignAction } from "../actions";

type Editable = {
  id: string;
  name: string;
  status: "draft" | "scheduled" | "active" | "ended" | "cancelled";
  startsAt: string;
  endsAt: string;
  budget: number | null;
  holdoutPercent: number;
  audienceLabel: string;
  announcement: { subject: string; message: string; email: boolean; wallet: boolean } | null;
};
type Input = Parameters<typeof updateCampaignAction>[0];

/**
 * Edit or reschedule a campaign. Before it starts everything here may change; while it runs only
 * the name, a later end and the budget (the fields that cannot change are shown disabled).
 */
export function EditCampaign({ campaign, program, segments, timezone }: { campaign: Editable; program: { kind: string; currency: string }; segments: { id: string; name: string }[]; timezone: string }) {
  const running = campaign.status === "active";
  const draft = campaign.status === "draft";
  const [done, setDone] = useState<string | null>(null);
  const cashback = program.kind === "cashback";
  const { onSubmit, pending, error, fieldErrors } = useFormAction(updateCampaignAction, {
    reset: false,
    input: (d) => {
      const text = (k: string) => String(d.get(k) ?? "");
      const amount = (s: string) => (cashback ? (parseAmount(s, program.currency) ?? Number.NaN) : Number(s));
      const input: Record<string, unknown> = { campaignId: campaign.id, name: text("name"), endsAt: text("endsAt"), budget: text("budget") === "" ? null : amount(text("budget")) };
      if (!running) {
        input.startsAt = text("startsAt");
        input.holdoutPercent = Number(text("holdoutPercent"));
        const audience = text("audience");
        if (audience === "everyone") input.audience = { kind: "everyone" };
        else if (audience.startsWith("segment:")) input.audience = { kind: "segment", segmentId: audience.slice("segment:".length) };
        if (campaign.announcement) input.announcement = { ...campaign.announcement, subject: text("subject"), message: text("message") };
        if (draft && d.get("schedule") === "on") input.schedule = true;
      }
      return input as Input;
    },
    onSuccess: () => setDone(running ? "Saved. The campaign runs to its new end." : "Saved."),
    onFailure: () => setDone(null),
  });
  const fe = (k: string) => fieldErrors[k];
  const tz = timezone.replace(/_/g, " ");
  return (
    <form noValidate className="space-y-5" onSubmit={onSubmit}>
      {running ? <p className="text-sm text-gray-700">It is running: its start, audience, offer, holdout and announcement have happened and stay as they are.</p> : null}
      <div className="grid gap-4 sm:grid-cols-2">
        <Field label="Name" htmlFor="e-name" error={fe("name")}>
          <Input id="e-name" name="name" defaultValue={campaign.name} maxLength={80} aria-invalid={Boolean(fe("name"))} />
        </Field>
        <Field label={cashback ? `Budget (${program.currency})` : "Budget"} htmlFor="e-budget" error={fe("budget")} hint="Empty: no budget.">
          <Input
            id="e-budget"
            name="budget"
            type="number"
            min={0}
            step={cashback ? inputStep(program.currency) : 1}
            defaultValue={campaign.budget === null ? "" : cashback ? formatDecimal(campaign.budget, program.currency) : campaign.budget}
            aria-invalid={Boolean(fe("budget"))}
          />
        </Field>
        <Field label="Starts" htmlFor="e-start" error={fe("startsAt")} hint={`${tz} time`}>
          <Input id="e-start" name="startsAt" type="datetime-local" defaultValue={campaign.startsAt} disabled={running} aria-invalid={Boolean(fe("startsAt"))} />
        </Field>
        <Field label="Ends" htmlFor="e-end" error={fe("endsAt")} hint={`${tz} time`}>
          <Input id="e-end" name="endsAt" type="datetime-local" defaultValue={campaign.endsAt} aria-invalid={Boolean(fe("endsAt"))} />
        </Field>
        <Field label="Audience" htmlFor="e-audience" error={fe("audience") ?? fe("audience.segmentId")}>
          <Select id="e-audience" name="audience" defaultValue="keep" disabled={running}>
            <option value="keep">Keep: {campaign.audienceLabel}</option>
            <option value="everyone">Every member</option>
            {segments.map((s) => (
              <option key={s.id} value={`segment:${s.id}`}>
                Segment: {s.name}
              </option>
            ))}
          </Select>
        </Field>
        <Field label="Holdout (% of the audience who get nothing)" htmlFor="e-holdout" error={fe("holdoutPercent")}>
          <Input id="e-holdout" name="holdoutPercent" type="number" min={0} max={50} defaultValue={campaign.holdoutPercent} disabled={running} aria-invalid={Boolean(fe("holdoutPercent"))} />
        </Field>
        {campaign.announcement ? (
          <>
            <Field label="Subject" htmlFor="e-subject" error={fe("announcement.subject")}>
              <Input id="e-subject" name="subject" defaultValue={campaign.announcement.subject} maxLength={120} disabled={running} />
            </Field>
            <Field label="Message" htmlFor="e-message" error={fe("announcement.message")}>
              <textarea id="e-message" name="message" rows={3} maxLength={2000} className={inputClass} defaultValue={campaign.announcement.message} disabled={running} />
            </Field>
          </>
        ) : null}
      </div>
      {draft ? (
        <label className="inline-flex items-center gap-2 text-sm">
          <input type="checkbox" name="schedule" className="size-4" defaultChecked /> Schedule it when saved
        </label>
      ) : null}
      <FormMessages error={error} success={done} />
      <SubmitButton pending={pending} pendingLabel="Saving…">
        Save changes
      </SubmitButton>
    </form>
  );
}

export function DuplicateCampaign({ campaignId, name }: { campaignId: string; name: string }) {
  const router = useRouter();
  return (
    <ActionButton action={duplicateCampaignAction} input={{ campaignId }} variant="secondary" refresh={false} aria-label={`Duplicate ${name}`} onDone={(c) => router.push(`/dashboard/campaigns/${c.id}`)}>
      Duplicate
    </ActionButton>
  );
}

export function StartNow({ campaignId, name }: { campaignId: string; name: string }) {
  return (
    <ActionButton action={startCampaignAction} input={{ campaignId }} variant="primary" pendingLabel="Starting…" confirm={`Start “${name}” now? Its audience and holdout are drawn at once.`}>
      Start now
    </ActionButton>
  );
}

export function SendTestEmail({ campaignId }: { campaignId: string }) {
  const [sent, setSent] = useState<string | null>(null);
  return (
    <div className="space-y-2">
      <ActionButton action={sendTestEmailAction} input={{ campaignId }} variant="secondary" refresh={false} pendingLabel="Sending…" onDone={(r) => setSent(r.to)}>
        Send a test to me
      </ActionButton>
      {sent ? (
        <p role="status" className="text-sm text-emerald-800">
          Test sent to {sent}.
        </p>
      ) : null}
    </div>
  );
}
