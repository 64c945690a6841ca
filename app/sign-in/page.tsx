import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { googleEnabled } from "@/auth";
import { dbReady } from "@/db/client";
import { Alert } from "@/components/ui";
import { safeCallbackPath } from "@/lib/auth/callback-url";
import { demoLoginEnabled } from "@/lib/auth/demo";
import { ROLE_LABELS, findInvitation } from "@/lib/team/verbs";
import { TWO_FACTOR_PATH, currentSignIn } from "../_server/session";
import { SignInForm } from "./sign-in-form";

export const metadata: Metadata = { title: "Sign in" };

const ERRORS: Record<string, string> = {
  Verification: "That sign-in link has expired or was already used. Ask for a new one below.",
  OAuthAccountNotLinked: "This email is already linked to another sign-in method. Use the email link instead.",
  AccessDenied: "Sign-in was cancelled.",
  Configuration: "Sign-in is not available right now. Please try again in a minute.",
};

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const one = (k: string) => (typeof params[k] === "string" ? (params[k] as string) : undefined);
  const callbackUrl = safeCallbackPath(one("callbackUrl"));
  const signIn = await currentSignIn();
  if (signIn?.pending) redirect(`${TWO_FACTOR_PATH}?callbackUrl=${encodeURIComponent(callbackUrl)}`);
  if (signIn && !one("invite")) redirect(callbackUrl);

  const inviteToken = one("invite");
  const invite = inviteToken ? await findInvitation(await dbReady(), inviteToken) : null;
  const error = one("error");

  return (
    <main className="grid min-h-dvh place-items-center bg-gray-50 px-4 py-10">
      <div className="w-full max-w-sm">
        <Link href="/" className="mb-8 flex items-center justify-center gap-2 text-lg font-semibold">
          <span aria-hidden className="grid size-8 place-items-center rounded-lg bg-brand-700 text-white">K</span>
          Keepcard
        </Link>
        <div className="rounded-2xl border border-gray-200 bg-white p-6 shadow-sm">
          <h1 className="text-xl font-bold">{invite ? `Join ${invite.merchantName}` : "Sign in or create an account"}</h1>
          <p className="mt-1 mb-5 text-sm text-gray-600">
            {invite
              ? `You were invited as ${ROLE_LABELS[invite.role].name.toLowerCase()}. Sign in with ${invite.email} to accept.`
              : "No password needed: we email you a link that signs you in."}
          </p>
          {inviteToken && !invite ? (
            <div className="mb-4">
              <Alert>This invitation has expired or was already used. Ask the business for a new one.</Alert>
            </div>
          ) : null}
          {error ? (
            <div className="mb-4">
              <Alert>{ERRORS[error] ?? "Sign-in did not work. Please try again."}</Alert>
            </div>
          ) : null}
          <SignInForm defaultEmail={invite?.email ?? one("email")} callbackUrl={callbackUrl} google={googleEnabled} demo={demoLoginEnabled()} passkey={!invite} />
        </div>
      </div>
    </main>
  );
}
