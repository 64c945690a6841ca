import type { Metadata } from "next";
import { headers } from "next/headers";
import { notFound } from "next/navigation";
import { dbReady } from "@/db/client";
import { LANGUAGE_NAMES, LANGUAGES, translator, type Translator } from "@/lib/i18n";
import { refereeOfferText } from "@/lib/lifecycle/offer-text";
import { referralInvite } from "@/lib/lifecycle/referral";
import { loadPublicProgram } from "@/lib/programs/public";
import { joinLanguage } from "../../../_server/language";
import { JoinForm } from "./form";
import { JOIN_TEXTS, type JoinTexts } from "./texts";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ program: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

async function language(searchParams: Props["searchParams"]) {
  return joinLanguage((await searchParams).lang, (await headers()).get("accept-language"));
}

export async function generateMetadata({ params, searchParams }: Props): Promise<Metadata> {
  const found = await loadPublicProgram(await dbReady(), (await params).program);
  const tr = translator(await language(searchParams));
  return { title: found ? tr.t("join.title", { program: found.program.name }) : tr.t("join.submit") };
}

export default async function JoinPage({ params, searchParams }: Props) {
  const found = await loadPublicProgram(await dbReady(), (await params).program);
  if (!found) notFound();
  const tr = translator(await language(searchParams));
  const { program, merchant } = found;
  const design = program.design;
  const pitch =
    program.kind === "stamps"
      ? tr.t("join.pitch.stamps", { count: program.stampsRequired ?? 10 })
      : program.kind === "cashback"
        ? tr.t("join.pitch.cashback")
        : tr.t("join.pitch.points");
  const texts = Object.fromEntries(JOIN_TEXTS.map((k) => [k, tr.t(k)])) as JoinTexts["texts"];
  const ref = (await searchParams).ref;
  const invite = typeof ref === "string" && ref ? await referralInvite(await dbReady(), { programId: program.id, code: ref }) : null;

  return (
    <main className="mx-auto min-h-dvh max-w-md bg-white sm:my-6 sm:rounded-2xl sm:shadow">
      <header className="rounded-b-3xl px-6 pb-8 pt-10 sm:rounded-t-2xl" style={{ backgroundColor: design.backgroundColor, color: design.foregroundColor }}>
        <p className="text-sm" style={{ color: design.labelColor }}>
          {merchant.name}
        </p>
        <h1 className="mt-1 text-3xl font-bold">{tr.t("join.title", { program: program.name })}</h1>
        <p className="mt-3" style={{ color: design.labelColor }}>
          {pitch} {tr.t("join.wallets")}
        </p>
      </header>
      <div className="px-6 py-8">
        {invite ? <Invite tr={tr} program={program} invite={invite} /> : null}
        {program.status === "active" ? (
          <JoinForm referralCode={invite?.valid ? String(ref) : undefined} programId={program.id} accent={design.backgroundColor} language={tr.lang} languages={LANGUAGES.map((l) => ({ value: l, label: LANGUAGE_NAMES[l] }))} texts={texts} />
        ) : (
          <p className="rounded-xl bg-gray-100 p-4 text-center text-gray-700">{tr.t("join.closed")}</p>
        )}
      </div>
    </main>
  );
}

/** A friend's invite: what the newcomer gets, or a polite word that the code is unknown (they can still join). */
function Invite({ tr, program, invite }: { tr: Translator; program: { kind: "points" | "stamps" | "cashback"; currency: string }; invite: Awaited<ReturnType<typeof referralInvite>> }) {
  if (!invite.valid) {
    return (
      <p className="mb-6 rounded-xl bg-gray-100 p-4 text-sm text-gray-700" role="status" data-testid="referral-unknown">
        {tr.t("join.referral.unknown")}
      </p>
    );
  }
  const offer = invite.offer ? refereeOfferText(tr, program, invite.offer) : null;
  return (
    <p className="mb-6 rounded-xl bg-brand-50 p-4 text-sm text-gray-800" role="status" data-testid="referral-invite">
      <span className="font-semibold">{tr.t("join.referral")}</span> {offer}
    </p>
  );
}
