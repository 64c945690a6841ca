"use client";

import { Alert, Button, Field, Input } from "@/components/ui";
import { useAction } from "@/components/use-action";
import { verifySecondFactorAction } from "./actions";
import { PasskeyButton } from "./passkey-button";

export function SecondFactorForm({ callbackUrl, totp, passkeys }: { callbackUrl: string; totp: boolean; passkeys: boolean }) {
  const verify = useAction(verifySecondFactorAction);
  return (
    <div className="space-y-5">
      {passkeys ? <PasskeyButton callbackUrl={callbackUrl} /> : null}
      {passkeys ? (
        <div className="flex items-center gap-3 text-xs text-gray-500">
          <span className="h-px flex-1 bg-gray-200" /> or <span className="h-px flex-1 bg-gray-200" />
        </div>
      ) : null}
      <form
        className="space-y-4"
        noValidate
        onSubmit={async (e) => {
          e.preventDefault();
          const code = String(new FormData(e.currentTarget).get("code") ?? "");
          const result = await verify.run({ code, callbackUrl });
          // A full navigation: every server component reads the session again.
          if (result.ok) window.location.assign(result.data.redirectTo);
        }}
      >
        <Field label={totp ? "Code from your app, or a recovery code" : "Recovery code"} htmlFor="code" error={verify.fieldErrors.code}>
          <Input
            id="code"
            name="code"
            autoComplete="one-time-code"
            autoCapitalize="off"
            spellCheck={false}
            required
            autoFocus
            maxLength={20}
            placeholder={totp ? "123456" : "abcde-fghij"}
            aria-invalid={Boolean(verify.fieldErrors.code)}
          />
        </Field>
        {verify.formError ? <Alert>{verify.formError}</Alert> : null}
        <Button type="submit" className="w-full py-2.5" disabled={verify.pending}>
          {verify.pending ? "Checking…" : "Continue"}
        </Button>
      </form>
    </div>
  );
}
