"use client";

import { signIn } from "next-auth/webauthn";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { ActionButton, FormMessages } from "@/components/form";
import { Alert, Button, Field, Input } from "@/components/ui";
import { useAction } from "@/components/use-action";
import { confirmTotpAction, regenerateRecoveryCodesAction, removeTotpAction, revokeOtherSessionsAction, revokeSessionAction, startTotpAction } from "./actions";

/** Ten codes, shown once, with a way to copy or download them. */
function ShowRecoveryCodes({ codes }: { codes: string[] }) {
  const text = codes.join("\n");
  return (
    <div className="rounded-lg border border-amber-300 bg-amber-50 p-4" role="status">
      <p className="font-medium text-amber-950">Save these recovery codes now. They are shown only once, and each works once.</p>
      <ol className="mt-3 grid grid-cols-2 gap-x-6 gap-y-1 font-mono text-sm sm:grid-cols-5" data-testid="recovery-codes">
        {codes.map((c) => (
          <li key={c}>{c}</li>
        ))}
      </ol>
      <div className="mt-3 flex flex-wrap gap-2">
        <Button variant="secondary" onClick={() => navigator.clipboard?.writeText(text).catch(() => {})}>
          Copy
        </Button>
        <a className="inline-flex items-center rounded-lg border border-gray-300 bg-white px-3 py-2 text-sm font-medium" download="keepcard-recovery-codes.txt" href={`data:text/plain;charset=utf-8,${encodeURIComponent(text + "\n")}`}>
          Download
        </a>
      </div>
    </div>
  );
}

export function AuthenticatorApp({ enabled }: { enabled: boolean }) {
  const router = useRouter();
  const start = useAction(startTotpAction);
  const confirm = useAction(confirmTotpAction);
  const remove = useAction(removeTotpAction);
  const [setup, setSetup] = useState<{ secret: string; qr: string } | null>(null);
  const [codes, setCodes] = useState<string[] | null>(null);

  if (codes) return <ShowRecoveryCodes codes={codes} />;

  if (enabled) {
    return (
      <form
        noValidate
        className="flex flex-wrap items-end gap-3"
        onSubmit={async (e) => {
          e.preventDefault();
          const r = await remove.run({ code: String(new FormData(e.currentTarget).get("code") ?? "") });
          if (r.ok) router.refresh();
        }}
      >
        <p className="w-full text-sm text-emerald-800">On: sign-ins ask for a code from your app.</p>
        <Field label="To turn it off, enter a current code" htmlFor="remove-code" error={remove.fieldErrors.code}>
          <Input id="remove-code" name="code" autoComplete="one-time-code" maxLength={20} className="w-48" aria-invalid={Boolean(remove.fieldErrors.code)} />
        </Field>
        <Button type="submit" variant="secondary" disabled={remove.pending}>
          {remove.pending ? "Turning off…" : "Turn off"}
        </Button>
        <FormMessages error={remove.formError} className="w-full" />
      </form>
    );
  }

  if (!setup) {
    return (
      <div className="space-y-3">
        <p className="text-sm text-gray-700">Off.</p>
        <Button
          disabled={start.pending}
          onClick={async () => {
            const r = await start.run({});
            if (r.ok) setSetup({ secret: r.data.secret, qr: r.data.qr });
          }}
        >
          {start.pending ? "Preparing…" : "Set up an authenticator app"}
        </Button>
        <FormMessages error={start.error} />
      </div>
    );
  }

  return (
    <div className="grid gap-6 sm:grid-cols-[auto_1fr]">
      {/* eslint-disable-next-line @next/next/no-img-element -- a data: URL made on the server, not an asset to optimise */}
      <img src={setup.qr} alt="QR code to scan with your authenticator app" width={224} height={224} className="rounded-lg border border-gray-200" />
      <form
        noValidate
        className="space-y-4"
        onSubmit={async (e) => {
          e.preventDefault();
          const r = await confirm.run({ code: String(new FormData(e.currentTarget).get("code") ?? "") });
          if (r.ok) {
            setCodes(r.data.recoveryCodes);
            router.refresh();
          }
        }}
      >
        <ol className="list-decimal space-y-2 pl-5 text-sm text-gray-700">
          <li>Scan the QR code with your authenticator app.</li>
          <li>
            Or type this key into it: <code className="rounded bg-gray-100 px-1.5 py-0.5 font-mono break-all" data-testid="totp-secret">{setup.secret}</code>
          </li>
          <li>Enter the 6-digit code the app shows.</li>
        </ol>
        <Field label="Code from the app" htmlFor="totp-code" error={confirm.fieldErrors.code}>
          <Input id="totp-code" name="code" inputMode="numeric" autoComplete="one-time-code" maxLength={7} className="w-40" aria-invalid={Boolean(confirm.fieldErrors.code)} />
        </Field>
        <Button type="submit" disabled={confirm.pending}>
          {confirm.pending ? "Checking…" : "Turn on"}
        </Button>
        <FormMessages error={confirm.formError} />
      </form>
    </div>
  );
}

export function AddPasskey() {
  const router = useRouter();
  const [pending, setPending] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  return (
    <div className="space-y-3">
      <Button
        variant="secondary"
        disabled={pending}
        onClick={async () => {
          setPending(true);
          setMessage(null);
          try {
            const r = await signIn("passkey", { action: "register", redirect: false, redirectTo: "/account/security" });
            setMessage(r?.ok && !r.error ? { ok: true, text: "Passkey added." } : { ok: false, text: "The passkey was not added. Try again." });
            if (r?.ok && !r.error) router.refresh();
          } catch {
            setMessage({ ok: false, text: "The passkey prompt was closed before it finished." });
          }
          setPending(false);
        }}
      >
        {pending ? "Waiting for your device…" : "Add a passkey"}
      </Button>
      {message ? <Alert tone={message.ok ? "success" : "error"}>{message.text}</Alert> : null}
    </div>
  );
}

export function RecoveryCodes({ left }: { left: number }) {
  const [codes, setCodes] = useState<string[] | null>(null);
  if (codes) return <ShowRecoveryCodes codes={codes} />;
  return (
    <div className="flex flex-wrap items-center gap-3">
      <p className="text-sm text-gray-700" data-testid="recovery-codes-left">
        {left} of 10 left.
      </p>
      <ActionButton action={regenerateRecoveryCodesAction} input={{}} variant="secondary" refresh={false} confirm="Make ten new codes? The old ones stop working." onDone={(r) => setCodes(r.recoveryCodes)}>
        Make new codes
      </ActionButton>
    </div>
  );
}

export function RevokeSession({ sessionId, device }: { sessionId: string; device: string }) {
  return (
    <ActionButton action={revokeSessionAction} input={{ sessionId }} variant="secondary" aria-label={`Sign out of ${device}`}>
      Sign out
    </ActionButton>
  );
}

export function RevokeOtherSessions() {
  return (
    <ActionButton action={revokeOtherSessionsAction} input={{}} variant="secondary" confirm="Sign out of every other device?">
      Sign out everywhere else
    </ActionButton>
  );
}
