"use client";

import { useState, useTransition } from "react";
import type { Language } from "@/lib/i18n/languages";
import { claimToRememberedCard, claimWithEmail } from "./actions";
import type { ClaimTexts } from "./texts";

const field = "mt-1 block w-full rounded-xl border border-gray-300 bg-white px-3 py-3 text-base shadow-sm focus:border-brand-600 focus:outline-none";

type Done = { kind: "card"; value: string; balance: string; cardPath: string } | { kind: "emailed"; value: string };
type Failure = { code: string; error: string; fieldErrors?: Record<string, string> };

const FIELD_ERROR = { name: "join.name.error", email: "join.email.error", consent: "join.consent.error" } as const;

/** What went wrong, in the page's language (the server's own words are English). */
function failureText(t: ClaimTexts, f: Failure): { title: string; body?: string } {
  switch (f.code) {
    case "already_redeemed":
      return { title: t["claim.claimed.title"], body: t["claim.claimed.body"] };
    case "expired":
      return { title: t["claim.expired.title"], body: t["claim.expired.body"] };
    case "not_found":
      return { title: t["claim.unknown.title"], body: t["claim.unknown.body"] };
    case "rate_limited":
      return { title: t["claim.busy"] };
    case "wrong_merchant":
      return { title: t["claim.wrong_card"] };
    case "inactive":
      return { title: t["claim.closed"] };
    default:
      return { title: t["claim.error"] };
  }
}

export function ClaimForm({
  code,
  language,
  accent,
  card,
  intro,
  doneTitle,
  doneBalance,
  emailedTitle,
  texts: t,
}: {
  code: string;
  language: Language;
  accent: string;
  /** The card this browser remembers for the program, if any. */
  card: { label: string; name: string | null } | null;
  intro: string;
  /** With {value} / {balance} to fill in. */
  doneTitle: string;
  doneBalance: string;
  emailedTitle: string;
  texts: ClaimTexts;
}) {
  const [pending, start] = useTransition();
  const [done, setDone] = useState<Done | null>(null);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [useEmail, setUseEmail] = useState(card === null);

  if (done) {
    return (
      <div role="status" className="rounded-2xl bg-brand-50 p-5 text-center" data-testid="claim-done">
        <p className="text-2xl font-bold">{(done.kind === "card" ? doneTitle : emailedTitle).replace("{value}", done.value)}</p>
        {done.kind === "card" ? (
          <>
            <p className="mt-2 text-gray-800">{doneBalance.replace("{balance}", done.balance)}</p>
            <a href={done.cardPath} className="mt-4 inline-block rounded-xl px-5 py-3 font-semibold text-white" style={{ backgroundColor: accent }}>
              {t["claim.done.open"]}
            </a>
          </>
        ) : (
          <p className="mt-2 text-gray-800">{t["claim.emailed.body"]}</p>
        )}
      </div>
    );
  }

  const refused = failure && !failure.fieldErrors ? failureText(t, failure) : null;
  const fieldError = (name: keyof typeof FIELD_ERROR) => (failure?.fieldErrors?.[name] ? t[FIELD_ERROR[name]] : null);
  const settle = (result: { ok: true; data: Done } | ({ ok: false } & Failure) | undefined) => {
    if (!result) return;
    if (result.ok) {
      setDone(result.data);
      // The card is this browser's own from now on: later codes go onto it in one tap.
      if (result.data.kind === "card") void fetch("/claim/remember", { method: "POST", body: result.data.cardPath.slice("/c/".length) }).catch(() => {});
    }
    else setFailure({ code: result.code, error: result.error, fieldErrors: result.fieldErrors });
  };

  return (
    <div className="grid gap-6">
      {refused ? (
        <div role="alert" className="rounded-xl bg-red-50 p-4 text-center text-red-900" data-testid="claim-refused">
          <p className="font-semibold">{refused.title}</p>
          {refused.body ? <p className="mt-1 text-sm">{refused.body}</p> : null}
        </div>
      ) : null}
      {card && !useEmail ? (
        <div className="grid gap-3 text-center">
          <p className="text-gray-700">
            {card.name ? <span className="font-medium">{card.name} · </span> : null}
            {card.label}
          </p>
          <button
            type="button"
            disabled={pending}
            className="rounded-xl px-4 py-3 text-base font-semibold text-white disabled:opacity-60"
            style={{ backgroundColor: accent }}
            onClick={() =>
              start(async () => {
                setFailure(null);
                settle(await claimToRememberedCard({ code, language }));
              })
            }
          >
            {pending ? t["claim.pending"] : t["claim.use_card"]}
          </button>
          <button type="button" className="text-sm text-gray-600 underline" onClick={() => setUseEmail(true)}>
            {t["claim.not_you"]}
          </button>
        </div>
      ) : (
        <form
          className="grid gap-4"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            const data = new FormData(e.currentTarget);
            start(async () => {
              setFailure(null);
              settle(
                await claimWithEmail({
                  code,
                  name: String(data.get("name") ?? ""),
                  email: String(data.get("email") ?? ""),
                  consent: data.get("consent") === "on",
                  marketing: data.get("marketing") === "on",
                  language,
                } as Parameters<typeof claimWithEmail>[0]),
              );
            });
          }}
        >
          <p className="text-gray-700">{intro}</p>
          <label className="block text-sm font-medium">
            {t["join.name"]}
            <input name="name" autoComplete="name" required maxLength={120} className={field} aria-invalid={Boolean(fieldError("name"))} />
            {fieldError("name") && <span className="mt-1 block text-sm text-red-700">{fieldError("name")}</span>}
          </label>
          <label className="block text-sm font-medium">
            {t["join.email"]}
            <input name="email" type="email" inputMode="email" autoComplete="email" required maxLength={254} className={field} aria-invalid={Boolean(fieldError("email"))} />
            {fieldError("email") && <span className="mt-1 block text-sm text-red-700">{fieldError("email")}</span>}
          </label>
          <label className="flex items-start gap-3 text-sm">
            <input name="consent" type="checkbox" required className="mt-0.5 size-5 shrink-0 accent-brand-700" aria-invalid={Boolean(fieldError("consent"))} />
            <span>{t["join.consent"]}</span>
          </label>
          {fieldError("consent") && <span className="-mt-2 block text-sm text-red-700">{fieldError("consent")}</span>}
          <label className="flex items-start gap-3 text-sm">
            <input name="marketing" type="checkbox" className="mt-0.5 size-5 shrink-0 accent-brand-700" />
            <span>{t["join.marketing"]}</span>
          </label>
          <button type="submit" disabled={pending} className="rounded-xl px-4 py-3 text-base font-semibold text-white disabled:opacity-60" style={{ backgroundColor: accent }}>
            {pending ? t["claim.pending"] : t["claim.submit"]}
          </button>
        </form>
      )}
    </div>
  );
}
