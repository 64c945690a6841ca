import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { currentMember } from "../_server/session";
import { OnboardingWizard } from "./wizard";

export const metadata: Metadata = { title: "Set up your business" };

export default async function OnboardingPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const { user, member } = await currentMember();
  if (!user) redirect("/sign-in?callbackUrl=/onboarding");
  // Members land in their dashboard; `?another=1` lets them set up a second business.
  if (member && (await searchParams).another !== "1") redirect("/dashboard");
  return (
    <main className="min-h-dvh bg-gray-50 px-4 py-10">
      <div className="mx-auto max-w-5xl">
        <h1 className="text-2xl font-bold">Welcome to Keepcard</h1>
        <p className="mt-1 mb-6 text-gray-600">Three short steps and your loyalty card is ready for the counter.</p>
        <OnboardingWizard />
      </div>
    </main>
  );
}
