"use client";

import { useState } from "react";
import Link from "next/link";
import { FormMessages, SubmitButton } from "@/components/form";
import { Field, Input, Select } from "@/components/ui";
import { useFormAction } from "@/components/use-action";
import { createClaimBatchAction } from "./actions";

type ProgramChoice = { id: string; name: string; kind: "points" | "cashback"; currency: string };

/** Makes a batch of printed claim codes: program, name, what each code gives, how many, until when. */
export function ClaimBatchForm({ programs }: { programs: ProgramChoice[] }) {
  const [programId, setProgramId] = useState(programs[0]?.id ?? "");
  const [made, setMade] = useState<string | null>(null);
  const program = programs.find((p) => p.id === programId);
  const { onSubmit, pending, formError, fieldErrors } = useFormAction(createClaimBatchAction, {
    input: (d) => ({
      programId,
      name: String(d.get("name") ?? ""),
      value: String(d.get("value") ?? ""),
      quantity: Number(d.get("quantity")),
      ...(d.get("expiresOn") ? { expiresOn: String(d.get("expiresOn")) } : {}),
    }),
    onSuccess: (r) => setMade(r.batchId),
    onFailure: () => setMade(null),
  });
  return (
    <form className="grid gap-3 sm:grid-cols-2" noValidate onSubmit={onSubmit} aria-label="New batch of claim codes">
      <Field label="Program" htmlFor="batch-program" error={fieldErrors.programId}>
        <Select id="batch-program" name="programId" value={programId} onChange={(e) => setProgramId(e.currentTarget.value)} options={programs.map((p) => ({ value: p.id, label: p.name }))} />
      </Field>
      <Field label="Name" hint="For you, e.g. “Coffee bags, spring”." htmlFor="batch-name" error={fieldErrors.name}>
        <Input id="batch-name" name="name" maxLength={80} required aria-invalid={Boolean(fieldErrors.name)} />
      </Field>
      <Field
        label={program?.kind === "cashback" ? `Each code gives (${program.currency})` : "Each code gives (points)"}
        hint={program?.kind === "cashback" ? "Cashback, e.g. 2.50." : "Points, e.g. 50."}
        htmlFor="batch-value"
        error={fieldErrors.value}
      >
        <Input id="batch-value" name="value" inputMode="decimal" required aria-invalid={Boolean(fieldErrors.value)} />
      </Field>
      <Field label="How many codes" hint="Up to 2,000; 24 labels a page." htmlFor="batch-quantity" error={fieldErrors.quantity}>
        <Input id="batch-quantity" name="quantity" type="number" min={1} max={2000} step={1} required aria-invalid={Boolean(fieldErrors.quantity)} />
      </Field>
      <Field label="Last day to claim (optional)" hint="In your business's time zone. Empty: no end." htmlFor="batch-expires" error={fieldErrors.expiresOn}>
        <Input id="batch-expires" name="expiresOn" type="date" aria-invalid={Boolean(fieldErrors.expiresOn)} />
      </Field>
      <div className="sm:col-span-2">
        <SubmitButton pending={pending} pendingLabel="Making codes…" disabled={!program}>
          Make codes
        </SubmitButton>
        <FormMessages
          className="mt-2"
          error={formError}
          success={
            made ? (
              <p className="text-sm text-emerald-800" role="status">
                Codes made.{" "}
                <Link className="underline" href={`/dashboard/claim-codes/${made}`}>
                  Print them and follow the claims
                </Link>
                .
              </p>
            ) : null
          }
        />
      </div>
    </form>
  );
}
