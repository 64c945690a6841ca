import type { Metadata } from "next";
import Link from "next/link";

export const metadata: Metadata = { title: "Check your email" };

export default function CheckEmailPage() {
  return (
    <main className="grid min-h-dvh place-items-center bg-gray-50 px-4">
      <div className="w-full max-w-sm rounded-2xl border border-gray-200 bg-white p-6 text-center shadow-sm">
        <h1 className="text-xl font-bold">Check your email</h1>
        <p className="mt-2 text-sm text-gray-700">We sent you a sign-in link. It works once and expires in 15 minutes.</p>
        <Link href="/sign-in" className="mt-4 inline-block text-sm font-medium text-brand-700 underline">
          Back to sign-in
        </Link>
      </div>
    </main>
  );
}
