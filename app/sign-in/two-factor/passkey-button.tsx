"use client";

import { signIn } from "next-auth/webauthn";
import { useState } from "react";
import { Alert, Button } from "@/components/ui";

/**
 * Signs in with a passkey (Auth.js's Passkey provider: the browser asks the device, the server
 * checks the answer). As a second step it passes the sign-in waiting for it; on the sign-in page it
 * is a whole sign-in by itself.
 */
export function PasskeyButton({ callbackUrl, label = "Use a passkey", variant = "primary" }: { callbackUrl: string; label?: string; variant?: "primary" | "secondary" }) {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <div className="space-y-2">
      <Button
        type="button"
        variant={variant}
        className="w-full py-2.5"
        disabled={pending}
        onClick={async () => {
          setPending(true);
          setError(null);
          try {
            const result = await signIn("passkey", { action: "authenticate", redirect: false, redirectTo: callbackUrl });
            if (result?.ok && !result.error) {
              window.location.assign(callbackUrl);
              return;
            }
            setError("That passkey did not sign you in. Try again, or use another way.");
          } catch {
            setError("The passkey prompt was closed before it finished.");
          }
          setPending(false);
        }}
      >
        {pending ? "Waiting for your passkey…" : label}
      </Button>
      {error ? <Alert>{error}</Alert> : null}
    </div>
  );
}
