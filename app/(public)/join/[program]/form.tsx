"use client";

import { useState, useTransition } from "react";
import type { Language } from "@/lib/i18n/languages";
import { joinProgram } from "./actions";
import type { JoinTexts } from "./texts";

const field = "mt-1 block w-full rounded-xl border border-gray-300 bg-white px-3 py-3 text-base shadow-sm focus:border-brand-600 focus:outline-none";

const FIELD_ERROR = { name: "join.name.error", email: "join.email.error", birthday: "join.birthday.error", consent: "join.consent.error" } as const;

export function JoinForm({
  referralCode,
  programId,
  accent,
  language,
  languages,
  texts: t,
}: {
  /** A known referral code from the join link, sent with the form. */
  referralCode?: string;
  programId: string;
  accent: string;
  language: Language;
  languages: { value: Language; label: string }[];
  texts: JoinTexts["texts"];
}) {
  const [pending, start] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [emailed, setEmailed] = useState(false);
  // A field's error in the page's language (the server's own words are English).
  const fieldError = (name: keyof typeof FIELD_ERROR) => (fieldErrors[name] ? t[FIELD_ERROR[name]] : null);

  if (emailed) {
    return (
      <div role="status" className="rounded-2xl bg-brand-50 p-5 text-center">
        <p className="text-lg font-semibold">{t["join.already.title"]}</p>
        <p className="mt-1 text-gray-700">{t["join.already.body"]}</p>
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
            language: String(data.get("language") ?? language),
            ...(referralCode ? { referralCode } : {}),
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
      <div>
        <label className="block text-sm font-medium" htmlFor="join-language">
          {t["join.language"]}
        </label>
        <select
          id="join-language"
          name="language"
          defaultValue={language}
          className={field}
          // The page follows the choice: it loads again in that language (a full load, so <html lang> follows too).
          onChange={(e) => {
            const url = new URL(window.location.href);
            url.searchParams.set("lang", e.currentTarget.value);
            window.location.assign(url.toString());
          }}
        >
          {languages.map((l) => (
            <option key={l.value} value={l.value} lang={l.value}>
              {l.label}
            </option>
          ))}
        </select>
      </div>
      <label className="block text-sm font-medium">
        {t["join.name"]}
        <input name="name" autoComplete="name" required maxLength={120} className={field} aria-invalid={Boolean(fieldErrors.name)} />
        {fieldError("name") && <span className="mt-1 block text-sm text-red-700">{fieldError("name")}</span>}
      </label>
      <label className="block text-sm font-medium">
        {t["join.email"]}
        <input name="email" type="email" inputMode="email" autoComplete="email" required maxLength={254} className={field} aria-invalid={Boolean(fieldErrors.email)} />
        {fieldError("email") && <span className="mt-1 block text-sm text-red-700">{fieldError("email")}</span>}
      </label>
      <label className="block text-sm font-medium">
        {t["join.birthday"]} <span className="font-normal text-gray-500">{t["join.birthday.hint"]}</span>
        <input name="birthday" type="date" autoComplete="bday" className={field} aria-invalid={Boolean(fieldErrors.birthday)} />
        {fieldError("birthday") && <span className="mt-1 block text-sm text-red-700">{fieldError("birthday")}</span>}
      </label>
      <label className="flex items-start gap-3 text-sm">
        <input name="consent" type="checkbox" required className="mt-0.5 size-5 shrink-0 accent-brand-700" aria-invalid={Boolean(fieldErrors.consent)} />
        <span>{t["join.consent"]}</span>
      </label>
      {fieldError("consent") && <span className="-mt-2 block text-sm text-red-700">{fieldError("consent")}</span>}
      <label className="flex items-start gap-3 text-sm">
        <input name="marketing" type="checkbox" className="mt-0.5 size-5 shrink-0 accent-brand-700" />
        <span>{t["join.marketing"]}</span>
      </label>
      {error && (
        <p role="alert" className="rounded-lg bg-red-50 px-3 py-2 text-sm text-red-800">
          {error}
        </p>
      )}
      <button type="submit" disabled={pending} className="rounded-xl px-4 py-3 text-base font-semibold text-white disabled:opacity-60" style={{ backgroundColor: accent }}>
        {pending ? t["join.pending"] : t["join.submit"]}
      </button>
    </form>
  );
}
