"use client";

import { useState, useTransition } from "react";
import { joinProgram } from "./actions";

const field = "mt-1 block w-full rounded-xl border border-gray-300 bg-white px-3 py-3 text-base shadow-sm focus:border-brand-600 focus:outline-none";

export function JoinForm({ programId, accent }: { programId: string; accent: string }) {
  const [pending, start] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [emailed, setEmailed] = useState(false);

  if (emailed) {
    return (
      <div role="status" className="rounded-2xl bg-brand-50 p-5 text-center">
        <p className="text-lg font-semibold">You are already a member</p>
        <p className="mt-1 text-gray-700">We sent the link to your card to your email. Open it on your phone to add the card to your wallet.</p>
      </div>
    );
  }

  return (
    <form
      className="grid gap-4"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        const data = new FormData(e.currentTarget);
        start(async () => {
          setError(null);
          setFieldErrors({});
          const result = await joinProgram({
            programId,
            name: String(data.get("name") ?? ""),
            email: String(data.get("email") ?? ""),
            birthday: String(data.get("birthday") ?? ""),
            consent: data.get("consent") === "on",
            marketing: data.get("marketing") === "on",
          } as Parameters<typeof joinProgram>[0]);
          // A new member is redirected to the card by the action; otherwise we land here.
          if (!result) return;
          if (result.ok) setEmailed(true);
          else {
            setError(result.error);
            setFieldErrors(result.fieldErrors ?? {});
          }
        });
      }}
    >
      <label className="block text-sm font-medium">
        Your name
        <input name="name" autoComplete="name" required maxLength={120} className={field} aria-invalid={Boolean(fieldErrors.name)} />
        {fieldErrors.name && <span className="mt-1 block text-sm text-red-700">{fieldErrors.name}</span>}
      </label>
      <label className="block text-sm font-medium">
        Email
        <input name="email" type="email" inputMode="email" autoComplete="email" required maxLength={254} className={field} aria-invalid={Boolean(fieldErrors.email)} />
        {fieldErrors.email && <span className="mt-1 block text-sm text-red-700">{fieldErrors.email}</span>}
      </label>
      <label className="block text-sm font-medium">
        Birthday <span className="font-normal text-gray-500">(optional, for a birthday treat)</span>
        <input name="birthday" type="date" autoComplete="bday" className={field} aria-invalid={Boolean(fieldErrors.birthday)} />
        {fieldErrors.birthday && <span className="mt-1 block text-sm text-red-700">{fieldErrors.birthday}</span>}
      </label>
      <label className="flex items-start gap-3 text-sm">
        <input name="consent" type="checkbox" required className="mt-0.5 size-5 shrink-0 accent-brand-700" aria-invalid={Boolean(fieldErrors.consent)} />
        <span>I want to join and agree that my name, email and visits are stored for this loyalty card.</span>
      </label>
      {fieldErrors.consent && <span className="-mt-2 block text-sm text-red-700">{fieldErrors.consent}</span>}
      <label className="flex items-start gap-3 text-sm">
        <input name="marketing" type="checkbox" className="mt-0.5 size-5 shrink-0 accent-brand-700" />
        <span>Send me offers by email (optional).</span>
      </label>
      {error && (
        <p role="alert" className="rounded-lg bg-red-50 px-3 py-2 text-sm text-red-800">
          {error}
        </p>
      )}
      <button type="submit" disabled={pending} className="rounded-xl px-4 py-3 text-base font-semibold text-white disabled:opacity-60" style={{ backgroundColor: accent }}>
        {pending ? "Joining…" : "Get my card"}
      </button>
    </form>
  );
}
