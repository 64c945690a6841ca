import type { Metadata } from "next";
import Link from "next/link";

export const metadata: Metadata = { title: "No access" };

export default function NoAccessPage() {
  return (
    <main className="grid min-h-dvh place-items-center bg-gray-50 px-4">
      <div className="w-full max-w-md rounded-2xl border border-gray-200 bg-white p-6 text-center shadow-sm">
        <h1 className="text-xl font-bold">This page is not part of your role</h1>
        <p className="mt-2 text-sm text-gray-700">Ask an owner or admin of the business if you need it.</p>
        <div className="mt-5 flex justify-center gap-3">
          <Link href="/dashboard" className="rounded-lg bg-brand-700 px-4 py-2 text-sm font-medium text-white">
            Go to the dashboard
          </Link>
          <Link href="/sign-in" className="rounded-lg border border-gray-300 px-4 py-2 text-sm font-medium">
            Switch account
          </Link>
        </div>
      </div>
    </main>
  );
}
