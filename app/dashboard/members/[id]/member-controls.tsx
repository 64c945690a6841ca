"use client";

import { useState } from "react";
import { ActionButton, FormMessages, SubmitButton } from "@/components/form";
import { Field, Input } from "@/components/ui";
import { useFormAction } from "@/components/use-action";
import { adjustBalanceAction, eraseMemberAction, exportMemberAction } from "../actions";

export function AdjustForm({ cardId }: { cardId: string }) {
  const [done, setDone] = useState<string | null>(null);
  const { onSubmit, pending, formError, fieldErrors } = useFormAction(adjustBalanceAction, {
    input: (d) => ({ cardId, adjustment: { amount: Number(d.get("amount")), reason: String(d.get("reason") ?? "") } }),
    onSuccess: (r) => setDone(`Done. New balance: ${r.balance.toLocaleString("en-US")}.`),
    onFailure: () => setDone(null),
  });
  return (
    <form className="grid w-full max-w-md gap-2 rounded-lg border border-gray-200 bg-gray-50 p-3 sm:grid-cols-[7rem_1fr_auto] sm:items-end" noValidate onSubmit={onSubmit}>
      <Field label="Adjust by" htmlFor={`adj-amount-${cardId}`} error={fieldErrors["adjustment.amount"]}>
        <Input id={`adj-amount-${cardId}`} name="amount" type="number" step={1} placeholder="+50 or -20" required />
      </Field>
      <Field label="Reason (kept in the audit log)" htmlFor={`adj-reason-${cardId}`} error={fieldErrors["adjustment.reason"]}>
        <Input id={`adj-reason-${cardId}`} name="reason" maxLength={500} placeholder="Missed scan on Tuesday" required />
      </Field>
      <SubmitButton pending={pending} pendingLabel="Saving…">
        Adjust
      </SubmitButton>
      <FormMessages className="sm:col-span-3" error={formError} success={done ? <p className="text-sm text-emerald-800">{done}</p> : null} />
    </form>
  );
}

/** Downloads what the business holds about a member, as JSON. */
function download(customerId: string, data: unknown) {
  const url = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: "application/json" }));
  const a = Object.assign(document.createElement("a"), { href: url, download: `keepcard-member-${customerId}.json` });
  a.click();
  URL.revokeObjectURL(url);
}

export function GdprControls({ customerId, canExport, canErase }: { customerId: string; canExport: boolean; canErase: boolean }) {
  return (
    <div className="flex items-start gap-2">
      {canExport ? (
        <ActionButton action={exportMemberAction} input={{ customerId }} variant="secondary" pendingLabel="Preparing…" refresh={false} onDone={(data) => download(customerId, data)}>
          Export data
        </ActionButton>
      ) : null}
      {canErase ? (
        <ActionButton
          action={eraseMemberAction}
          input={{ customerId }}
          variant="danger"
          confirm="Erase this member's personal data? Their cards close and open vouchers are cancelled. This cannot be undone."
        >
          Erase data
        </ActionButton>
      ) : null}
    </div>
  );
}
