"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { Alert, Button, Field, Input, Select } from "@/components/ui";
import { useAction } from "@/components/use-action";
import { decimalsRule, formatDecimal, inputStep, parseAmount, toMinor } from "@/lib/money";
import { configurePayoutsAction, markPaidAction, payNowAction, rotatePayoutSecretAction } from "./actions";

type Settings = { provider: "webhook" | "manual" | "stripe" | "paypal"; thresholdMinor: number; schedule: "off" | "daily" | "weekly" | "monthly"; endpointUrl: string; enabled: boolean };

export function PayNow({ programId, name }: { programId: string; name: string }) {
  const router = useRouter();
  const { run, pending, error } = useAction(payNowAction);
  const [started, setStarted] = useState(false);
  return (
    <div className="flex flex-col items-end gap-2">
      <Button
        disabled={pending}
        onClick={async () => {
          if (!window.confirm(`Pay every ${name} member whose cashback reaches the minimum payout now?`)) return;
          const r = await run({ programId });
          setStarted(r.ok);
          if (r.ok) router.refresh();
        }}
      >
        {pending ? "Starting…" : "Pay now"}
      </Button>
      <div aria-live="polite" className="text-right text-sm">
        {started ? <p className="text-emerald-800">Run started. It appears below; refresh to follow it.</p> : null}
        {error ? <Alert>{error}</Alert> : null}
      </div>
    </div>
  );
}

export function MarkPaid({ runId, count }: { runId: string; count: number }) {
  const router = useRouter();
  const { run, pending, error } = useAction(markPaidAction);
  return (
    <>
      <Button
        variant="secondary"
        className="px-3 py-1.5"
        disabled={pending}
        onClick={async () => {
          if (!window.confirm(`Mark ${count} ${count === 1 ? "payout" : "payouts"} of this run as paid? Do this once the transfers are made.`)) return;
          const r = await run({ runId });
          if (r.ok) router.refresh();
        }}
      >
        Mark as paid
      </Button>
      {error ? <Alert>{error}</Alert> : null}
    </>
  );
}

export function PayoutSettingsForm({ programId, currency, initial, hasSecret }: { programId: string; currency: string; initial: Settings | null; hasSecret: boolean }) {
  const router = useRouter();
  const { run, pending, error, fieldErrors } = useAction(configurePayoutsAction);
  const [provider, setProvider] = useState<Settings["provider"]>(initial?.provider ?? "manual");
  const [saved, setSaved] = useState(false);
  const [thresholdError, setThresholdError] = useState<string | null>(null);
  const [newSecret, setNewSecret] = useState<string | null>(null);
  const rotate = useAction(rotatePayoutSecretAction);
  const pre = `ps-${programId}`;
  return (
    <form
      noValidate
      className="grid gap-4 sm:grid-cols-2"
      onSubmit={async (e) => {
        e.preventDefault();
        const d = new FormData(e.currentTarget);
        const threshold = parseAmount(String(d.get("threshold") ?? ""), currency);
        setThresholdError(threshold === null || threshold < 0 ? `Enter an amount in ${currency}; ${decimalsRule(currency)}.` : null);
        if (threshold === null || threshold < 0) return;
        const r = await run({
          programId,
          provider,
          enabled: d.get("enabled") === "on",
          thresholdMinor: threshold,
          schedule: String(d.get("schedule")) as Settings["schedule"],
          endpointUrl: provider === "webhook" ? String(d.get("endpointUrl") ?? "") : undefined,
        });
        setSaved(r.ok);
        if (r.ok && r.data.newSecret) setNewSecret(r.data.newSecret);
        if (r.ok) router.refresh();
      }}
    >
      {newSecret ? (
        <div className="rounded-lg border border-amber-300 bg-amber-50 p-3 sm:col-span-2" role="status">
          <p className="font-medium text-amber-950">Copy the payout signing secret now. It is shown only once.</p>
          <code className="mt-2 block rounded bg-white px-2 py-1 font-mono text-sm break-all" data-testid="new-payout-secret">
            {newSecret}
          </code>
        </div>
      ) : null}
      <Field label="How you pay" htmlFor={`${pre}-provider`} error={fieldErrors.provider}>
        <Select id={`${pre}-provider`} value={provider} onChange={(e) => setProvider(e.target.value as Settings["provider"])}>
          <option value="manual">By hand: download a CSV, then mark as paid</option>
          <option value="webhook">Automatically, through your payout endpoint</option>
          <option value="stripe">Stripe: to each member&apos;s linked Stripe account</option>
          <option value="paypal">PayPal: to each member&apos;s PayPal email</option>
        </Select>
      </Field>
      <Field
        label={`Minimum payout (${currency})`}
        htmlFor={`${pre}-threshold`}
        error={thresholdError ?? fieldErrors.thresholdMinor}
        hint={
          provider === "stripe" || provider === "paypal"
            ? "Members are paid once their cashback reaches this, and only after they link Stripe or give a PayPal email on their card page; until then it stays on the card."
            : "Cards with at least this much cashback are paid; smaller balances wait for the next run."
        }
      >
        <Input
          id={`${pre}-threshold`}
          name="threshold"
          type="number"
          min={0}
          step={inputStep(currency)}
          defaultValue={formatDecimal(initial ? initial.thresholdMinor : toMinor(5, currency), currency)}
          aria-invalid={Boolean(thresholdError ?? fieldErrors.thresholdMinor)}
        />
      </Field>
      {provider === "webhook" ? (
        <Field
          label="Payout endpoint URL"
          htmlFor={`${pre}-url`}
          error={fieldErrors.endpointUrl}
          hint={hasSecret ? "Requests are signed with this program's existing secret." : "A signing secret is made when you save; your endpoint verifies it (Standard Webhooks)."}
        >
          <Input id={`${pre}-url`} name="endpointUrl" type="url" defaultValue={initial?.endpointUrl} placeholder="https://example.com/payouts" aria-invalid={Boolean(fieldErrors.endpointUrl)} />
        </Field>
      ) : null}
      <Field label="Schedule" htmlFor={`${pre}-schedule`} error={fieldErrors.schedule}>
        <Select id={`${pre}-schedule`} name="schedule" defaultValue={initial?.schedule ?? "off"}>
          <option value="off">Only when I press “Pay now”</option>
          <option value="daily">Every day</option>
          <option value="weekly">Every week</option>
          <option value="monthly">Every month</option>
        </Select>
      </Field>
      <label className="flex items-center gap-2 self-end pb-2 text-sm">
        <input type="checkbox" name="enabled" defaultChecked={initial?.enabled ?? true} className="size-4 accent-brand-700" /> Payouts switched on
      </label>
      <div className="flex flex-wrap items-center gap-3 sm:col-span-2" aria-live="polite">
        <Button type="submit" disabled={pending}>
          {pending ? "Saving…" : "Save"}
        </Button>
        {saved ? <span className="text-sm text-emerald-800">Saved.</span> : null}
        {hasSecret && provider === "webhook" ? (
          <Button
            type="button"
            variant="secondary"
            disabled={rotate.pending}
            onClick={async () => {
              if (!window.confirm("Make a new signing secret? Your endpoint must use the new one from now on.")) return;
              const r = await rotate.run({ programId });
              if (r.ok) setNewSecret(r.data.newSecret);
            }}
          >
            New signing secret
          </Button>
        ) : null}
        {error && !Object.keys(fieldErrors).length ? <Alert>{error}</Alert> : null}
      </div>
    </form>
  );
}
