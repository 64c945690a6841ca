"use client";

import { useState } from "react";
import { Alert, Button, Field, Input } from "@/components/ui";
import { useAction } from "@/components/use-action";
import { requestMagicLink, signInAsDemoOwner, signInWithGoogle } from "./actions";
import { PasskeyButton } from "./two-factor/passkey-button";

export function SignInForm({ defaultEmail, callbackUrl, google, demo, passkey }: { defaultEmail?: string; callbackUrl?: string; google: boolean; demo: boolean; passkey: boolean }) {
  const magic = useAction(requestMagicLink);
  const googleAction = useAction(signInWithGoogle);
  const demoAction = useAction(signInAsDemoOwner);
  const [sentTo, setSentTo] = useState<string | null>(null);

  if (sentTo) {
    return (
      <div className="space-y-3" role="status">
        <h2 className="text-lg font-semibold">Check your email</h2>
        <p className="text-sm text-gray-700">
          We sent a sign-in link to <strong>{sentTo}</strong>. It works once and expires in 15 minutes.
        </p>
        <button type="button" className="text-sm font-medium text-brand-700 underline" onClick={() => setSentTo(null)}>
          Use a different address
        </button>
      </div>
    );
  }

  return (
    <div className="space-y-5">
      <form
        className="space-y-4"
        noValidate
        onSubmit={async (e) => {
          e.preventDefault();
          const email = String(new FormData(e.currentTarget).get("email") ?? "");
          const result = await magic.run({ email, callbackUrl });
          if (result.ok) setSentTo(result.data.email);
        }}
      >
        <Field label="Work email" htmlFor="email" error={magic.fieldErrors.email}>
          <Input id="email" name="email" type="email" autoComplete="email" required defaultValue={defaultEmail} placeholder="you@yourshop.com" aria-invalid={Boolean(magic.fieldErrors.email)} aria-describedby={magic.fieldErrors.email ? "email-error" : undefined} />
        </Field>
        {magic.error && !magic.fieldErrors.email ? <Alert>{magic.error}</Alert> : null}
        <Button type="submit" className="w-full py-2.5" disabled={magic.pending}>
          {magic.pending ? "Sending…" : "Email me a sign-in link"}
        </Button>
      </form>

      {google || demo || passkey ? (
        <div className="flex items-center gap-3 text-xs text-gray-500">
          <span className="h-px flex-1 bg-gray-200" /> or <span className="h-px flex-1 bg-gray-200" />
        </div>
      ) : null}
      {google ? (
        <Button variant="secondary" className="w-full py-2.5" disabled={googleAction.pending} onClick={() => googleAction.run({ callbackUrl })}>
          Continue with Google
        </Button>
      ) : null}
      {googleAction.error ? <Alert>{googleAction.error}</Alert> : null}
      {passkey ? <PasskeyButton callbackUrl={callbackUrl ?? "/dashboard"} label="Sign in with a passkey" variant="secondary" /> : null}
      {demo ? (
        <div className="rounded-lg border border-amber-200 bg-amber-50 p-3">
          <Button variant="secondary" className="w-full" disabled={demoAction.pending} onClick={() => demoAction.run({})}>
            {demoAction.pending ? "Preparing the demo shop…" : "Sign in as the demo owner"}
          </Button>
          <p className="mt-2 text-xs text-amber-900">Development only: Bean There Coffee with sample members and history.</p>
          {demoAction.error ? <div className="mt-2"><Alert>{demoAction.error}</Alert></div> : null}
        </div>
      ) : null}
    </div>
  );
}
