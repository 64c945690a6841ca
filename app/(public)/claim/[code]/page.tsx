import type { Metadata } from "next";
import { headers } from "next/headers";
import { dbReady } from "@/db/client";
import { lookupClaimCode, rememberedCardFor } from "@/lib/claims/claim";
import { isAppError } from "@/lib/errors";
import { translator, type Translator } from "@/lib/i18n";
import { enforceRateLimit } from "@/lib/rate-limit";
import { clientIp } from "../../../_server/client-ip";
import { joinLanguage } from "../../../_server/language";
import { rememberedCards } from "../remembered";
import { ClaimForm } from "./form";
import { CLAIM_TEXTS, type ClaimTexts } from "./texts";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ code: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

async function language(searchParams: Props["searchParams"]) {
  return joinLanguage((await searchParams).lang, (await headers()).get("accept-language"));
}

export async function generateMetadata({ searchParams }: Props): Promise<Metadata> {
  const tr = translator(await language(searchParams));
  return { title: tr.t("claim.meta_title"), robots: { index: false, follow: false }, referrer: "no-referrer" };
}

// /claim/{code} — where a printed claim code's QR leads: what it is worth, and one tap (or an email) to claim it.
export default async function ClaimPage({ params, searchParams }: Props) {
  const { code } = await params;
  const tr = translator(await language(searchParams));
  try {
    await enforceRateLimit("publicIp", `claim-page:${await clientIp()}`);
  } catch (error) {
    if (isAppError(error) && error.code === "rate_limited") return <Message tr={tr} title={tr.t("claim.busy")} />;
    throw error;
  }
  const db = await dbReady();
  const found = code.length <= 64 ? await lookupClaimCode(db, code) : null;
  if (!found) return <Message tr={tr} title={tr.t("claim.unknown.title")} body={tr.t("claim.unknown.body")} />;
  const { program, merchant, batch } = found;
  const design = program.design;
  const worth = program.kind === "cashback" ? tr.money(batch.value, program.currency) : tr.t("unit.points", { count: batch.value });
  const header = (
    <header className="rounded-b-3xl px-6 pb-8 pt-10 sm:rounded-t-2xl" style={{ backgroundColor: design.backgroundColor, color: design.foregroundColor }}>
      <p className="text-sm" style={{ color: design.labelColor }}>
        {merchant.name} · {program.name}
      </p>
      <h1 className="mt-1 text-3xl font-bold" data-testid="claim-title">
        {found.state === "claimed" ? tr.t("claim.claimed.title") : found.state === "expired" ? tr.t("claim.expired.title") : tr.t("claim.title", { value: worth, merchant: merchant.name })}
      </h1>
      {found.state === "open" ? (
        <p className="mt-3" style={{ color: design.labelColor }}>
          {tr.t("claim.intro", { program: program.name })}
        </p>
      ) : null}
    </header>
  );
  const shell = (body: React.ReactNode) => (
    <main className="mx-auto min-h-dvh max-w-md bg-white sm:my-6 sm:rounded-2xl sm:shadow">
      {header}
      <div className="px-6 py-8">{body}</div>
    </main>
  );

  // Already claimed or over: said at once, before anything else.
  if (found.state === "claimed") return shell(<p role="status" className="rounded-xl bg-gray-100 p-4 text-center text-gray-800">{tr.t("claim.claimed.body")}</p>);
  if (found.state === "expired") return shell(<p role="status" className="rounded-xl bg-gray-100 p-4 text-center text-gray-800">{tr.t("claim.expired.body")}</p>);
  if (program.status !== "active") return shell(<p className="rounded-xl bg-gray-100 p-4 text-center text-gray-700">{tr.t("claim.closed")}</p>);

  const card = await rememberedCardFor(db, await rememberedCards(), found);
  const texts = Object.fromEntries(CLAIM_TEXTS.map((k) => [k, tr.t(k)])) as ClaimTexts;
  return shell(
    <ClaimForm
      code={code}
      language={tr.lang}
      accent={design.backgroundColor}
      card={card ? { label: tr.t("claim.card_of", { code: card.referralCode }), name: card.name } : null}
      intro={tr.t("claim.form.intro", { program: program.name })}
      doneTitle={tr.t("claim.done.title", { value: "{value}" })}
      doneBalance={tr.t("claim.done.balance", { balance: "{balance}" })}
      emailedTitle={tr.t("claim.emailed.title", { value: "{value}" })}
      texts={texts}
    />,
  );
}

function Message({ tr, title, body }: { tr: Translator; title: string; body?: string }) {
  return (
    <main className="mx-auto grid min-h-dvh max-w-md place-items-center p-6 text-center" lang={tr.lang}>
      <div>
        <h1 className="text-xl font-semibold" data-testid="claim-title">
          {title}
        </h1>
        {body ? <p className="mt-2 text-gray-600">{body}</p> : null}
      </div>
    </main>
  );
}
