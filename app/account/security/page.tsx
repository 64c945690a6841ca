import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { DateCell } from "@/components/cells";
import { DataTable, type Column } from "@/components/data-table";
import { Alert, Badge, CardSection, PageHeader } from "@/components/ui";
import { dbReady } from "@/db/client";
import { listSessions, type ActiveSession } from "@/lib/auth/sessions";
import { TWO_FACTOR_PATH, SECURITY_PATH, currentSignIn } from "../../_server/session";
import { AddPasskey, AuthenticatorApp, RecoveryCodes, RevokeOtherSessions, RevokeSession } from "./security-controls";

export const metadata: Metadata = { title: "Sign-in and security", robots: { index: false } };

/** "Chrome on macOS" from a user agent: enough to recognise a device, nothing more. */
function deviceOf(ua: string | null): string {
  if (!ua) return "Unknown device";
  const browser = /Edg\//.test(ua) ? "Edge" : /Firefox\//.test(ua) ? "Firefox" : /Chrome\/|Chromium\//.test(ua) ? "Chrome" : /Safari\//.test(ua) ? "Safari" : "A browser";
  const os = /iPhone|iPad/.test(ua) ? "iOS" : /Android/.test(ua) ? "Android" : /Mac OS X/.test(ua) ? "macOS" : /Windows/.test(ua) ? "Windows" : /Linux/.test(ua) ? "Linux" : null;
  return os ? `${browser} on ${os}` : browser;
}

const METHOD: Record<string, string> = { totp: "authenticator app", recovery: "recovery code", passkey: "passkey" };

const sessionColumns: Column<ActiveSession>[] = [
  {
    id: "device",
    header: "Device",
    cell: (s) => (
      <>
        <p className="font-medium">
          {deviceOf(s.userAgent)} {s.current ? <Badge tone="blue">this device</Badge> : null}
        </p>
        {s.userAgent ? <p className="max-w-md truncate text-xs text-gray-600" title={s.userAgent}>{s.userAgent}</p> : null}
      </>
    ),
    className: "min-w-[14rem]",
  },
  { id: "created", header: "Signed in", cell: (s) => <DateCell value={s.createdAt} />, sort: (s) => s.createdAt },
  { id: "seen", header: "Last seen", cell: (s) => <DateCell value={s.lastSeenAt} />, sort: (s) => s.lastSeenAt },
  { id: "factor", header: "Second factor", cell: (s) => (s.secondFactor ? METHOD[s.secondFactor] ?? s.secondFactor : "—") },
  { id: "actions", header: "Actions", hideHeader: true, cell: (s) => (s.current ? null : <RevokeSession sessionId={s.id} device={deviceOf(s.userAgent)} />), className: "text-right" },
];

export default async function SecurityPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const signIn = await currentSignIn();
  if (!signIn) redirect(`/sign-in?callbackUrl=${encodeURIComponent(SECURITY_PATH)}`);
  if (signIn.pending) redirect(`${TWO_FACTOR_PATH}?callbackUrl=${encodeURIComponent(SECURITY_PATH)}`);
  const { required } = await searchParams;
  const sessions = await listSessions({ db: await dbReady(), userId: signIn.user.id }, { currentSessionToken: signIn.sessionToken });
  const { twoFactor } = signIn;

  return (
    <main className="min-h-dvh bg-gray-50 px-4 py-10">
      <div className="mx-auto max-w-4xl">
        <p className="mb-4 text-sm">
          <Link href="/dashboard" className="font-medium text-brand-800 underline">
            ← Back to the dashboard
          </Link>
        </p>
        <PageHeader title="Sign-in and security" description={`Second factors and signed-in devices of ${signIn.user.email ?? "your account"}.`} />
        <div className="space-y-6">
          {required === "1" && !twoFactor.enabled ? (
            <Alert tone="info">Your business requires two-factor sign-in. Set up an authenticator app or a passkey to continue to the dashboard.</Alert>
          ) : null}
          <CardSection
            id="authenticator-app"
            title="Authenticator app"
            description="A 6-digit code from an app such as Google Authenticator, 1Password or Authy, asked for after the email link or Google."
          >
            <AuthenticatorApp enabled={twoFactor.totp} />
          </CardSection>
          <CardSection id="passkeys" title="Passkeys" description="Sign in with your fingerprint, face or device PIN. A passkey is a second factor by itself, and signs you in without an email link.">
            <p className="mb-3 text-sm text-gray-700" data-testid="passkey-count">
              {twoFactor.passkeys === 0 ? "No passkeys yet." : `${twoFactor.passkeys} passkey${twoFactor.passkeys === 1 ? "" : "s"} set up.`}
            </p>
            <AddPasskey />
          </CardSection>
          {twoFactor.enabled ? (
            <CardSection id="recovery-codes" title="Recovery codes" description="Each code signs you in once when you do not have your phone or passkey.">
              <RecoveryCodes left={twoFactor.recoveryCodesLeft} />
            </CardSection>
          ) : null}
          <CardSection id="sessions" title="Where you are signed in" description="Sign out of a device you do not recognise, or of every device but this one.">
            <DataTable caption="Your signed-in devices, most recently seen first" columns={sessionColumns} rows={sessions} rowKey={(s) => s.id} empty={<p className="text-sm text-gray-600">No signed-in devices.</p>} inset />
            {sessions.length > 1 ? (
              <div className="mt-4">
                <RevokeOtherSessions />
              </div>
            ) : null}
          </CardSection>
        </div>
      </div>
    </main>
  );
}
