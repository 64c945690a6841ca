"use client";

import { useState } from "react";
import type { ActionResult } from "@/lib/action-result";
import { useAction } from "@/components/use-action";

/** Every text of the self-service section, already in the holder's language. */
export type SelfServiceTexts = {
  title: string;
  name: string;
  nameError: string;
  birthday: string;
  birthdayHint: string;
  birthdayError: string;
  save: string;
  saved: string;
  email: string;
  prefsTitle: string;
  marketing: string;
  prefsHint: string;
  prefsSave: string;
  prefsOn: string;
  prefsOff: string;
  dataTitle: string;
  download: string;
  downloadHint: string;
  remove: string;
  removeHint: string;
  removeSent: string;
  removeBusy: string;
};

type Actions = {
  saveDetails: (input: { token: string; name: string; birthday: string }) => Promise<ActionResult<{ changed: boolean }>>;
  savePreferences: (input: { token: string; marketing: boolean }) => Promise<ActionResult<{ marketing: boolean }>>;
  requestDeletion: (input: { token: string }) => Promise<ActionResult<{ sent: boolean }>>;
};

const input = "mt-1 block w-full rounded-lg border border-gray-300 bg-white px-3 py-2 text-base";
const button = "rounded-lg border border-gray-300 bg-white px-4 py-2 text-sm font-medium text-gray-900 hover:bg-gray-50 disabled:opacity-60";

/**
 * The card page's "Your details", "Email preferences" and "Your data": the holder edits their name
 * and birthday, turns offers by email on or off, downloads their data and asks to delete it.
 */
export function SelfService({ token, customer, texts: t, actions }: { token: string; customer: { name: string; birthday: string; email: string; marketing: boolean }; texts: SelfServiceTexts; actions: Actions }) {
  return (
    <div className="mx-4 mt-6 grid gap-6">
      <Details token={token} customer={customer} t={t} save={actions.saveDetails} />
      <Preferences token={token} marketing={customer.marketing} t={t} save={actions.savePreferences} />
      <MyData token={token} t={t} request={actions.requestDeletion} />
    </div>
  );
}

function Details({ token, customer, t, save }: { token: string; customer: { name: string; birthday: string; email: string }; t: SelfServiceTexts; save: Actions["saveDetails"] }) {
  const { run, pending, fieldErrors, formError } = useAction(save, { refresh: true });
  const [saved, setSaved] = useState(false);
  return (
    <section aria-labelledby="details-title">
      <h2 id="details-title" className="text-lg font-semibold">
        {t.title}
      </h2>
      <form
        className="mt-2 grid gap-3 rounded-2xl bg-white p-4 shadow-sm"
        onSubmit={async (e) => {
          e.preventDefault();
          const form = new FormData(e.currentTarget);
          setSaved(false);
          const result = await run({ token, name: String(form.get("name") ?? ""), birthday: String(form.get("birthday") ?? "") });
          setSaved(result.ok);
        }}
      >
        <p className="text-sm text-gray-600">
          {t.email}: <span className="font-medium text-gray-900">{customer.email}</span>
        </p>
        <div>
          <label htmlFor="self-name" className="text-sm font-medium">
            {t.name}
          </label>
          <input id="self-name" name="name" defaultValue={customer.name} maxLength={120} required autoComplete="name" className={input} aria-invalid={fieldErrors.name ? true : undefined} aria-describedby={fieldErrors.name ? "self-name-error" : undefined} />
          {fieldErrors.name && (
            <p id="self-name-error" className="mt-1 text-sm text-red-700">
              {t.nameError}
            </p>
          )}
        </div>
        <div>
          <label htmlFor="self-birthday" className="text-sm font-medium">
            {t.birthday} <span className="font-normal text-gray-600">{t.birthdayHint}</span>
          </label>
          <input id="self-birthday" name="birthday" type="date" defaultValue={customer.birthday} autoComplete="bday" className={input} aria-invalid={fieldErrors.birthday ? true : undefined} aria-describedby={fieldErrors.birthday ? "self-birthday-error" : undefined} />
          {fieldErrors.birthday && (
            <p id="self-birthday-error" className="mt-1 text-sm text-red-700">
              {t.birthdayError}
            </p>
          )}
        </div>
        <div className="flex items-center gap-3">
          <button type="submit" className={button} disabled={pending}>
            {t.save}
          </button>
          <p role="status" className="text-sm text-brand-700">
            {saved ? t.saved : ""}
          </p>
        </div>
        {formError && (
          <p className="text-sm text-red-700" role="alert">
            {formError}
          </p>
        )}
      </form>
    </section>
  );
}

function Preferences({ token, marketing, t, save }: { token: string; marketing: boolean; t: SelfServiceTexts; save: Actions["savePreferences"] }) {
  const { run, pending, formError } = useAction(save, { refresh: true });
  const [on, setOn] = useState(marketing);
  const [saved, setSaved] = useState<boolean | null>(null);
  return (
    <section aria-labelledby="prefs-title">
      <h2 id="prefs-title" className="text-lg font-semibold">
        {t.prefsTitle}
      </h2>
      <form
        className="mt-2 grid gap-3 rounded-2xl bg-white p-4 shadow-sm"
        onSubmit={async (e) => {
          e.preventDefault();
          const result = await run({ token, marketing: on });
          setSaved(result.ok ? on : null);
        }}
      >
        <label className="flex items-start gap-3 text-sm">
          <input type="checkbox" name="marketing" checked={on} onChange={(e) => setOn(e.currentTarget.checked)} className="mt-0.5 size-4" />
          <span>{t.marketing}</span>
        </label>
        <p className="text-xs text-gray-600">{t.prefsHint}</p>
        <div className="flex items-center gap-3">
          <button type="submit" className={button} disabled={pending}>
            {t.prefsSave}
          </button>
          <p role="status" className="text-sm text-brand-700" data-testid="marketing-status">
            {saved === null ? "" : saved ? t.prefsOn : t.prefsOff}
          </p>
        </div>
        {formError && (
          <p className="text-sm text-red-700" role="alert">
            {formError}
          </p>
        )}
      </form>
    </section>
  );
}

function MyData({ token, t, request }: { token: string; t: SelfServiceTexts; request: Actions["requestDeletion"] }) {
  const { run, pending, error } = useAction(request);
  const [outcome, setOutcome] = useState<"sent" | "busy" | "error" | null>(null);
  return (
    <section aria-labelledby="data-title">
      <h2 id="data-title" className="text-lg font-semibold">
        {t.dataTitle}
      </h2>
      <div className="mt-2 grid gap-4 rounded-2xl bg-white p-4 shadow-sm">
        <form method="post" action={`/c/${token}/export`}>
          <button type="submit" className={button}>
            {t.download}
          </button>
          <p className="mt-1 text-xs text-gray-600">{t.downloadHint}</p>
        </form>
        <div>
          <button
            type="button"
            disabled={pending}
            className="rounded-lg border border-red-300 bg-white px-4 py-2 text-sm font-medium text-red-800 hover:bg-red-50 disabled:opacity-60"
            onClick={async () => {
              const result = await run({ token });
              setOutcome(result.ok ? "sent" : result.code === "rate_limited" ? "busy" : "error");
            }}
          >
            {t.remove}
          </button>
          <p className="mt-1 text-xs text-gray-600">{t.removeHint}</p>
          <p role="status" className={`mt-2 text-sm ${outcome === "sent" ? "text-brand-700" : "text-red-700"}`}>
            {outcome === "sent" ? t.removeSent : outcome === "busy" ? t.removeBusy : outcome === "error" ? error : ""}
          </p>
        </div>
      </div>
    </section>
  );
}
