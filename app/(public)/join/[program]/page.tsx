import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { dbReady } from "@/db/client";
import { loadPublicProgram } from "@/lib/programs/public";
import { JoinForm } from "./form";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ program: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const found = await loadPublicProgram(await dbReady(), (await params).program);
  return { title: found ? `Join ${found.program.name}` : "Join" };
}

export default async function JoinPage({ params }: Props) {
  const found = await loadPublicProgram(await dbReady(), (await params).program);
  if (!found) notFound();
  const { program, merchant } = found;
  const design = program.design;
  const pitch =
    program.kind === "stamps"
      ? `Collect ${program.stampsRequired ?? 10} stamps and get a reward.`
      : program.kind === "cashback"
        ? "Get cashback on every purchase."
        : "Collect points on every visit and swap them for rewards.";

  return (
    <main className="mx-auto min-h-dvh max-w-md bg-white sm:my-6 sm:rounded-2xl sm:shadow">
      <header className="rounded-b-3xl px-6 pb-8 pt-10 sm:rounded-t-2xl" style={{ backgroundColor: design.backgroundColor, color: design.foregroundColor }}>
        <p className="text-sm" style={{ color: design.labelColor }}>
          {merchant.name}
        </p>
        <h1 className="mt-1 text-3xl font-bold">Join {program.name}</h1>
        <p className="mt-3" style={{ color: design.labelColor }}>
          {pitch} Your card lives in Apple Wallet or Google Wallet and updates itself.
        </p>
      </header>
      <div className="px-6 py-8">
        {program.status === "active" ? (
          <JoinForm programId={program.id} accent={design.backgroundColor} />
        ) : (
          <p className="rounded-xl bg-gray-100 p-4 text-center text-gray-700">This program is not taking new members right now.</p>
        )}
      </div>
    </main>
  );
}
