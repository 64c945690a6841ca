import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { merchantOf } from "@/lib/merchants/verbs";
import { currentMember, redirectForSecondFactor } from "../_server/session";
import { OnboardingWizard } from "./wizard";

export const metadata: Metadata = { title: "Set up your business" };

export default async function OnboardingPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const state = await currentMember();
  redirectForSecondFactor(state, "/onboarding");
  const { user, member } = state;
  if (!user) redirect("/sign-in?callbackUrl=/onboarding");
  const { step, another } = await searchParams;
  let current: 0 | 1 | 2 = 0;
  let business;
  if (member && another !== "1") {
    // After the business exists, the program and invitation steps; members who are done go home.
    if (step === "program") {
      const m = await merchantOf(member.ctx);
      business = { name: m.name, currency: m.currency, brandColor: m.brandColor, logoUrl: m.logoUrl };
      current = 1;
    } else if (step === "invite") current = 2;
    else redirect("/dashboard");
  }
  return (
    <main className="min-h-dvh bg-gray-50 px-4 py-10">
      <div className="mx-auto max-w-5xl">
        <h1 className="text-2xl font-bold">Welcome to Keepcard</h1>
        <p className="mt-1 mb-6 text-gray-600">Three short steps and your loyalty card is ready for the counter.</p>
        <OnboardingWizard step={current} business={business} />
      </div>
    </main>
  );
}
