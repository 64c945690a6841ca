import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { safeCallbackPath } from "@/lib/auth/callback-url";
import { currentSignIn } from "../../_server/session";
import { SignOutButton } from "./sign-out-button";
import { SecondFactorForm } from "./second-factor-form";

export const metadata: Metadata = { title: "Two-factor sign-in", robots: { index: false } };

export default async function TwoFactorPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const callbackUrl = safeCallbackPath(typeof params.callbackUrl === "string" ? params.callbackUrl : undefined);
  const signIn = await currentSignIn();
  if (!signIn) redirect(`/sign-in?callbackUrl=${encodeURIComponent(callbackUrl)}`);
  if (!signIn.pending) redirect(callbackUrl);
  return (
    <main className="grid min-h-dvh place-items-center bg-gray-50 px-4 py-10">
      <div className="w-full max-w-sm">
        <Link href="/" className="mb-8 flex items-center justify-center gap-2 text-lg font-semibold">
          <span aria-hidden className="grid size-8 place-items-center rounded-lg bg-brand-700 text-white">K</span>
          Keepcard
        </Link>
        <div className="rounded-2xl border border-gray-200 bg-white p-6 shadow-sm">
          <h1 className="text-xl font-bold">One more step</h1>
          <p className="mt-1 mb-5 text-sm text-gray-600">
            {signIn.user.email ? `${signIn.user.email} uses` : "This account uses"} two-factor sign-in.{" "}
            {signIn.twoFactor.totp ? "Enter the 6-digit code from your authenticator app, or one of your recovery codes." : "Use your passkey, or one of your recovery codes."}
          </p>
          <SecondFactorForm callbackUrl={callbackUrl} totp={signIn.twoFactor.totp} passkeys={signIn.twoFactor.passkeys > 0} />
          <div className="mt-6 border-t border-gray-200 pt-4 text-sm text-gray-600">
            Not you, or lost your phone and codes? <SignOutButton />
          </div>
        </div>
      </div>
    </main>
  );
}
