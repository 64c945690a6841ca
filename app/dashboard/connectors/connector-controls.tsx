"use client";

import { useState } from "react";
import { FormMessages, SubmitButton } from "@/components/form";
import { Alert, Button, Field, Input, Select, type Option } from "@/components/ui";
import { useAction, useFormAction } from "@/components/use-action";
import { saveConnectorAction, sendTestEventAction, setRefundPolicyAction } from "./actions";

type Provider = "shopify" | "stripe" | "square";

/** The program the connector earns in, and the provider's signing secret (blank keeps the stored one). */
export function ConnectorForm({ provider, label, programs, programId, hasSecret, secretLabel }: { provider: Provider; label: string; programs: Option[]; programId: string | null; hasSecret: boolean; secretLabel: string }) {
  const [saved, setSaved] = useState(false);
  const { onSubmit, pending, formError, fieldErrors } = useFormAction(saveConnectorAction, {
    input: (d) => ({ provider, programId: String(d.get("programId") ?? ""), secret: String(d.get("secret") ?? "") || undefined }),
    onSuccess: () => setSaved(true),
    onFailure: () => setSaved(false),
  });
  return (
    <form noValidate className="space-y-4" onSubmit={onSubmit}>
      <div className="grid gap-4 sm:grid-cols-2">
        <Field label="Program" htmlFor="con-program" error={fieldErrors.programId} hint={`${label} purchases earn in this program.`}>
          <Select id="con-program" name="programId" defaultValue={programId ?? programs[0]?.value} options={programs} />
        </Field>
        <Field
          label={secretLabel}
          htmlFor="con-secret"
          error={fieldErrors.secret}
          hint={hasSecret ? "A secret is stored (encrypted). Leave blank to keep it; paste a new one to replace it." : "Stored encrypted; never shown again."}
        >
          <Input id="con-secret" name="secret" type="password" autoComplete="off" spellCheck={false} aria-invalid={Boolean(fieldErrors.secret)} />
        </Field>
      </div>
      <FormMessages error={formError} success={saved ? "Saved." : null} />
      <SubmitButton pending={pending} pendingLabel="Saving…">
        {programId ? "Save" : `Connect ${label}`}
      </SubmitButton>
    </form>
  );
}

/** The webhook URL with a copy button. */
export function CopyUrl({ url }: { url: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="flex flex-wrap items-center gap-2">
      <code className="rounded bg-gray-100 px-2 py-1 font-mono text-sm break-all" data-testid="connector-webhook-url">
        {url}
      </code>
      <Button
        variant="secondary"
        type="button"
        onClick={async () => {
          await navigator.clipboard?.writeText(url).catch(() => {});
          setCopied(true);
        }}
      >
        {copied ? "Copied" : "Copy URL"}
      </Button>
    </div>
  );
}

/** "Send a test event": a signed sample through the real pipeline; says what it did. */
export function SendTestEvent({ provider, disabled }: { provider: Provider; disabled: boolean }) {
  const { run, pending, error } = useAction(sendTestEventAction, { refresh: true });
  const [result, setResult] = useState<{ outcome: string; message: string } | null>(null);
  return (
    <div className="space-y-3">
      <Button
        type="button"
        variant="secondary"
        disabled={pending || disabled}
        onClick={async () => {
          const r = await run({ provider });
          setResult(r.ok ? r.data : null);
        }}
      >
        {pending ? "Sending…" : "Send a test event"}
      </Button>
      <div aria-live="polite">
        {result ? <Alert tone={result.outcome === "test" ? "success" : "error"}>{result.message}</Alert> : null}
        {error ? <Alert>{error}</Alert> : null}
      </div>
    </div>
  );
}

/** The program's choice for refunds of points already spent. */
export function RefundPolicy({ provider, programId, programName, negative }: { provider: Provider; programId: string; programName: string; negative: boolean }) {
  const [saved, setSaved] = useState(false);
  const { onSubmit, pending, formError } = useFormAction(setRefundPolicyAction, {
    input: (d) => ({ provider, programId, refundsMayGoNegative: d.get("policy") === "negative" }),
    onSuccess: () => setSaved(true),
    reset: false,
  });
  return (
    <form noValidate className="space-y-3" onSubmit={onSubmit}>
      <fieldset>
        <legend className="text-sm font-medium text-gray-800">When a refund finds the points of {programName} already spent</legend>
        <div className="mt-2 space-y-2 text-sm">
          <label className="flex items-start gap-2">
            <input type="radio" name="policy" value="debt" defaultChecked={!negative} className="mt-1" />
            <span>Record a debt on the card: the balance stays at zero and the next points earned pay the debt first.</span>
          </label>
          <label className="flex items-start gap-2">
            <input type="radio" name="policy" value="negative" defaultChecked={negative} className="mt-1" />
            <span>Let the balance go below zero.</span>
          </label>
        </div>
      </fieldset>
      <FormMessages error={formError} success={saved ? "Saved for the whole program." : null} />
      <SubmitButton pending={pending} pendingLabel="Saving…">
        Save refund rule
      </SubmitButton>
    </form>
  );
}
