"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { Alert, Button, Field, Input } from "@/components/ui";
import { useAction } from "@/components/use-action";
import { adjustBalanceAction, eraseMemberAction, exportMemberAction } from "../actions";

export function AdjustForm({ cardId }: { cardId: string }) {
  const router = useRouter();
  const { run, pending, error, fieldErrors } = useAction(adjustBalanceAction);
  const [done, setDone] = useState<string | null>(null);
  return (
    <form
      className="grid w-full max-w-md gap-2 rounded-lg border border-gray-200 bg-gray-50 p-3 sm:grid-cols-[7rem_1fr_auto] sm:items-end"
      noValidate
      onSubmit={async (e) => {
        e.preventDefault();
        const form = e.currentTarget;
        const data = new FormData(form);
        const r = await run({ cardId, adjustment: { amount: Number(data.get("amount")), reason: String(data.get("reason") ?? "") } });
        if (r.ok) {
          setDone(`Done. New balance: ${r.data.balance.toLocaleString("en-US")}.`);
          form.reset();
          router.refresh();
        } else setDone(null);
      }}
    >
      <Field label="Adjust by" htmlFor={`adj-amount-${cardId}`} error={fieldErrors["adjustment.amount"]}>
        <Input id={`adj-amount-${cardId}`} name="amount" type="number" step={1} placeholder="+50 or -20" required />
      </Field>
      <Field label="Reason (kept in the audit log)" htmlFor={`adj-reason-${cardId}`} error={fieldErrors["adjustment.reason"]}>
        <Input id={`adj-reason-${cardId}`} name="reason" maxLength={500} placeholder="Missed scan on Tuesday" required />
      </Field>
      <Button type="submit" disabled={pending}>
        {pending ? "Saving…" : "Adjust"}
      </Button>
      <div className="sm:col-span-3" aria-live="polite">
        {error && !Object.keys(fieldErrors).length ? <Alert>{error}</Alert> : null}
        {done ? <p className="text-sm text-emerald-800">{done}</p> : null}
      </div>
    </form>
  );
}

export function GdprControls({ customerId, canExport, canErase }: { customerId: string; canExport: boolean; canErase: boolean }) {
  const router = useRouter();
  const exp = useAction(exportMemberAction);
  const erase = useAction(eraseMemberAction);
  return (
    <div className="flex flex-col items-end gap-2">
      <div className="flex gap-2">
        {canExport ? (
          <Button
            variant="secondary"
            disabled={exp.pending}
            onClick={async () => {
              const r = await exp.run({ customerId });
              if (!r.ok) return;
              const url = URL.createObjectURL(new Blob([JSON.stringify(r.data, null, 2)], { type: "application/json" }));
              const a = Object.assign(document.createElement("a"), { href: url, download: `keepcard-member-${customerId}.json` });
              a.click();
              URL.revokeObjectURL(url);
            }}
          >
            {exp.pending ? "Preparing…" : "Export data"}
          </Button>
        ) : null}
        {canErase ? (
          <Button
            variant="danger"
            disabled={erase.pending}
            onClick={async () => {
              if (!window.confirm("Erase this member's personal data? Their cards close and open vouchers are cancelled. This cannot be undone.")) return;
              const r = await erase.run({ customerId });
              if (r.ok) router.refresh();
            }}
          >
            Erase data
          </Button>
        ) : null}
      </div>
      {exp.error || erase.error ? <Alert>{exp.error ?? erase.error}</Alert> : null}
    </div>
  );
}
