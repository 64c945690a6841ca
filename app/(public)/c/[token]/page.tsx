import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { ReferralShare } from "@/components/card/referral-share";
import { dbReady } from "@/db/client";
import { cardQrToken } from "@/lib/cards/token";
import { cardActivity, loadCardView, type CardView } from "@/lib/cards/view";
import { isAppError } from "@/lib/errors";
import { LANGUAGE_NAMES, LANGUAGES, translator, type MessageKey, type Translator } from "@/lib/i18n";
import { rewardUnavailable } from "@/lib/rewards/availability";
import { unavailableText } from "@/lib/rewards/availability-text";
import { rewardImagePath } from "@/lib/rewards/images";
import { voucherToken } from "@/lib/vouchers/token";
import { walletStatus } from "@/wallet/config";
import { nextRewardTitle } from "@/wallet/localized";
import { clientIp } from "../../../_server/client-ip";
import { cardPageLanguage } from "../../../_server/language";
import { limitCardTraffic } from "../../_public";
import { qrSvg } from "../../qr";
import { LanguageSelect, LiveRefresh, RedeemButton, RememberCard } from "./client";
import { LinkPage } from "@/components/card/link-page";
import { CardGoals } from "./goals";
import { CardPayouts } from "./payouts-section";
import { CardSelfService } from "./self-service";

export const dynamic = "force-dynamic";

export async function generateMetadata({ params }: { params: Promise<{ token: string }> }): Promise<Metadata> {
  const { token } = await params;
  const tr = translator(/^[A-Za-z0-9]{16,64}$/.test(token) ? await cardPageLanguage(token) : "en");
  return { title: tr.t("card.meta_title"), robots: { index: false, follow: false }, referrer: "no-referrer" };
}

const KIND_LABEL: Record<string, MessageKey> = {
  earn: "card.kind.earn",
  redeem: "card.kind.redeem",
  adjust: "card.kind.adjust",
  reverse: "card.kind.reverse",
  expire: "card.kind.expire",
  bonus: "card.kind.bonus",
  payout: "card.kind.payout",
};

function amount(tr: Translator, view: CardView, n: number): string {
  if (view.program.kind === "cashback") return tr.money(n, view.program.currency);
  return tr.number(n);
}

export default async function CardPage({ params, searchParams }: { params: Promise<{ token: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { token } = await params;
  const query = await searchParams;
  if (!/^[A-Za-z0-9]{16,64}$/.test(token)) notFound();
  const db = await dbReady();
  const view = await loadCardView(db, { publicToken: token });
  if (!view) notFound();
  const tr = translator(view.customer.language);
  try {
    await limitCardTraffic(await clientIp(), view.card.id, "page");
  } catch (error) {
    if (isAppError(error) && error.code === "rate_limited") return <Busy tr={tr} seconds={error.retryAfter ?? 60} />;
    throw error;
  }

  // A closed card (its holder's data erased) shows nothing of the card any more.
  if (view.card.status === "closed") return <LinkPage merchant={view.merchant.name} title={tr.t("erase.done.title")}><p role="status">{tr.t("erase.done.body")}</p></LinkPage>;
  const { card, program, merchant, design } = { ...view, design: view.program.design };
  const [{ entries, vouchers }, cardQr] = await Promise.all([cardActivity(db, { cardId: card.id }), qrSvg(cardQrToken(card))]);
  const open = vouchers.filter((v) => v.status === "issued" && v.expiresAt > new Date());
  const voucherQrs = await Promise.all(open.map((v) => qrSvg(voucherToken(v))));
  const now = new Date();
  const affordable = program.kind === "points" ? view.open.filter((r) => r.cost <= card.balance) : [];
  const wallets = walletStatus();
  const progress = view.next ? Math.max(0, Math.min(1, (view.next.target - view.next.remaining) / view.next.target)) : 1;
  const googleFailed = query.wallet === "google-unavailable";

  return (
    <main className="mx-auto min-h-dvh max-w-md bg-gray-50 pb-16 sm:my-6 sm:rounded-2xl sm:shadow">
      <LiveSection token={token} tr={tr} />
      <RememberCard token={token} />
      <section
        className="rounded-b-3xl px-5 pb-6 pt-6 sm:rounded-t-2xl"
        style={{ backgroundColor: design.backgroundColor, color: design.foregroundColor }}
        aria-labelledby="card-title"
      >
        <div className="flex items-center justify-between gap-3">
          <div>
            <p className="text-sm" style={{ color: design.labelColor }}>
              {merchant.name}
            </p>
            <h1 id="card-title" className="text-xl font-semibold">
              {program.name}
            </h1>
          </div>
          {view.tier && (
            <span className="rounded-full border px-3 py-1 text-xs font-semibold uppercase tracking-wide" style={{ borderColor: design.labelColor }}>
              {view.tier.name}
            </span>
          )}
        </div>

        {program.kind === "stamps" ? (
          <div className="mt-6">
            <p className="text-sm" style={{ color: design.labelColor }}>
              {tr.t("card.stamps")}
            </p>
            <ol className="mt-2 grid grid-cols-5 gap-3" aria-label={tr.t("card.stamps_of", { count: card.balance, total: program.stampsRequired ?? 10 })}>
              {Array.from({ length: program.stampsRequired ?? 10 }, (_, i) => (
                <li
                  key={i}
                  className="grid aspect-square place-items-center rounded-full border-2 text-lg font-bold"
                  style={
                    i < card.balance
                      ? { backgroundColor: design.foregroundColor, color: design.backgroundColor, borderColor: design.foregroundColor }
                      : { borderColor: design.labelColor, borderStyle: "dashed", opacity: 0.7 }
                  }
                >
                  <span aria-hidden>{i < card.balance ? "✓" : ""}</span>
                </li>
              ))}
            </ol>
          </div>
        ) : (
          <div className="mt-6">
            <p className="text-sm" style={{ color: design.labelColor }}>
              {program.kind === "cashback" ? tr.t("card.cashback_balance") : tr.t("card.points")}
            </p>
            <p className="text-5xl font-bold tabular-nums" data-testid="balance">
              {amount(tr, view, card.balance)}
            </p>
          </div>
        )}
        {card.debt > 0 ? (
          <p className="mt-3 text-sm" style={{ color: design.labelColor }} data-testid="refund-debt">
            {tr.t("card.refund_debt", { amount: amount(tr, view, card.debt) })}
          </p>
        ) : null}

        {view.next && (
          <div className="mt-5">
            <div className="h-2 rounded-full" style={{ backgroundColor: `${design.labelColor}55` }} role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(progress * 100)} aria-label={tr.t("card.progress")}>
              <div className="h-2 rounded-full" style={{ width: `${progress * 100}%`, backgroundColor: design.foregroundColor }} />
            </div>
            <p className="mt-2 text-sm" style={{ color: design.labelColor }}>
              {tr.t(program.kind === "stamps" ? "card.to_next.stamps" : "card.to_next.points", { count: view.next.remaining, reward: nextRewardTitle(view, tr) })}
            </p>
          </div>
        )}
        {view.tier?.next && (
          <p className="mt-1 text-sm" style={{ color: design.labelColor }}>
            {tr.t("card.tier_next", { count: view.tier.next.remaining, tier: view.tier.next.name })}
          </p>
        )}
        {view.expiring && (
          <p className="mt-1 text-sm font-medium" data-testid="expiring">
            {tr.t("pass.expiring.value", { count: view.expiring.points, date: tr.date(view.expiring.at, { dateStyle: "long", timeZone: merchant.timezone }) })}
          </p>
        )}
      </section>

      <section className="mx-4 -mt-3 rounded-2xl bg-white p-5 text-center shadow-sm" aria-labelledby="scan-title">
        <h2 id="scan-title" className="text-sm font-medium text-gray-600">
          {tr.t("card.show_at_counter")}
        </h2>
        <div className="mx-auto mt-3 w-52" role="img" aria-label={tr.t("card.qr")} dangerouslySetInnerHTML={{ __html: cardQr }} />
        <p className="mt-1 text-xs text-gray-500">{tr.t("card.member_code", { code: card.referralCode })}</p>
      </section>

      <section className="mx-4 mt-4 grid gap-2" aria-label={tr.t("card.wallets")}>
        {wallets.apple.configured ? (
          <a href={`/c/${token}/apple.pkpass`} className="flex items-center justify-center gap-2 rounded-xl bg-black px-4 py-3 font-medium text-white hover:bg-gray-800">
            <span aria-hidden></span> {tr.t("card.apple.add")}
          </a>
        ) : (
          <p className="rounded-xl border border-dashed border-gray-300 px-4 py-3 text-center text-sm text-gray-600">{tr.t("card.apple.missing")}</p>
        )}
        {wallets.google.mode === "development" ? (
          <p className="rounded-xl border border-dashed border-amber-400 bg-amber-50 px-4 py-3 text-center text-sm text-amber-900" data-testid="google-wallet-development">
            {tr.t("card.google.development")}
          </p>
        ) : wallets.google.configured ? (
          // A form POST, not a link: the object is created at Google only when the customer asks (link prefetchers only GET).
          <form method="post" action={`/c/${token}/google`}>
            <button type="submit" className="flex w-full items-center justify-center gap-2 rounded-xl border border-gray-300 bg-white px-4 py-3 font-medium text-gray-900 hover:bg-gray-50">
              <span aria-hidden className="font-bold text-[#4285f4]">G</span> {tr.t("card.google.add")}
            </button>
          </form>
        ) : (
          <p className="rounded-xl border border-dashed border-gray-300 px-4 py-3 text-center text-sm text-gray-600">{tr.t("card.google.missing")}</p>
        )}
        {googleFailed && (
          <p className="text-center text-sm text-red-700" role="alert">
            {tr.t("card.google.failed")}
          </p>
        )}
      </section>

      {open.length > 0 && (
        <section className="mx-4 mt-6" aria-labelledby="vouchers-title">
          <h2 id="vouchers-title" className="text-lg font-semibold">
            {tr.t("card.vouchers")}
          </h2>
          <ul className="mt-2 grid gap-3">
            {open.map((v, i) => (
              <li key={v.id} id={`voucher-${v.id}`} className="rounded-2xl border-2 border-dashed border-brand-500 bg-white p-4">
                <div className="flex items-start gap-4">
                  <div className="w-28 shrink-0" role="img" aria-label={tr.t("card.voucher_qr", { title: v.title })} dangerouslySetInnerHTML={{ __html: voucherQrs[i]! }} />
                  <div>
                    <p className="font-semibold">{v.title}</p>
                    <p className="mt-1 font-mono tracking-widest">{v.code}</p>
                    <p className="mt-1 text-xs text-gray-500">{tr.t("card.valid_until", { date: tr.date(v.expiresAt, { dateStyle: "medium", timeZone: merchant.timezone }) })}</p>
                  </div>
                </div>
              </li>
            ))}
          </ul>
        </section>
      )}

      <CardGoals view={view} tr={tr} />

      {program.kind === "points" && (
        <section className="mx-4 mt-6" aria-labelledby="rewards-title">
          <h2 id="rewards-title" className="text-lg font-semibold">
            {tr.t("card.rewards")}
          </h2>
          {view.rewards.length === 0 ? (
            <p className="mt-2 text-sm text-gray-600">{tr.t("card.no_rewards")}</p>
          ) : (
            <ul className="mt-2 grid gap-3">
              {view.rewards.map((r) => {
                const canAfford = affordable.some((a) => a.id === r.id);
                // Another tier's, not yet open or over: say why, whatever the balance.
                const closed = rewardUnavailable(r, card, now);
                return (
                  <li key={r.id} className="flex gap-3 rounded-2xl bg-white p-4 shadow-sm" data-testid={`reward-${r.id}`}>
                    {r.imageHash && (
                      // eslint-disable-next-line @next/next/no-img-element -- served as stored, content-addressed and cached by the browser
                      <img src={rewardImagePath(r.imageHash)} alt="" width={64} height={64} loading="lazy" className="size-16 shrink-0 rounded-xl object-cover" />
                    )}
                    <div className="min-w-0 flex-1">
                      <div className="flex items-baseline justify-between gap-3">
                        <p className="font-medium">{r.name}</p>
                        <p className="shrink-0 text-sm text-gray-600">{tr.t("unit.points", { count: r.cost })}</p>
                      </div>
                      {r.description && <p className="mt-1 text-sm text-gray-600">{r.description}</p>}
                      {/* Always mounted, so the voucher just redeemed stays on screen when the live refresh lowers the balance. */}
                      <RedeemButton
                        token={token}
                        rewardId={r.id}
                        unavailable={canAfford ? null : closed ? unavailableText(tr, closed, r) : tr.t("card.more_points", { count: r.cost - card.balance })}
                        texts={{
                          redeem: tr.t("card.redeem"),
                          label: tr.t("card.redeem.label", { reward: r.name }),
                          confirm: tr.t("card.redeem.confirm", { cost: tr.t("unit.points", { count: r.cost }), reward: r.name }),
                          yes: tr.t("card.redeem.yes"),
                          pending: tr.t("card.redeem.pending"),
                          cancel: tr.t("card.redeem.cancel"),
                          yours: tr.t("card.voucher.yours", { title: "{title}" }),
                          show: tr.t("card.voucher.show"),
                          validUntil: tr.t("card.valid_until", { date: "{date}" }),
                        }}
                        locale={tr.locale}
                      />
                    </div>
                  </li>
                );
              })}
            </ul>
          )}
        </section>
      )}

      <section className="mx-4 mt-6" aria-labelledby="history-title">
        <h2 id="history-title" className="text-lg font-semibold">
          {tr.t("card.activity")}
        </h2>
        {entries.length === 0 ? (
          <p className="mt-2 text-sm text-gray-600">{tr.t("card.no_activity")}</p>
        ) : (
          <ul className="mt-2 divide-y divide-gray-200 rounded-2xl bg-white shadow-sm">
            {entries.map((e) => (
              <li key={e.id} className="flex items-center justify-between px-4 py-3 text-sm">
                <div>
                  <p className="font-medium">{KIND_LABEL[e.kind] ? tr.t(KIND_LABEL[e.kind]! as "card.kind.earn") : e.kind}</p>
                  <p className="text-xs text-gray-500">{tr.date(e.createdAt, { dateStyle: "medium", timeStyle: "short", timeZone: merchant.timezone })}</p>
                </div>
                <p className={`tabular-nums font-semibold ${e.amount >= 0 ? "text-brand-700" : "text-gray-700"}`}>
                  {e.amount >= 0 ? "+" : "−"}
                  {amount(tr, view, Math.abs(e.amount))}
                </p>
              </li>
            ))}
          </ul>
        )}
      </section>

      {program.kind === "cashback" && (
        <CardPayouts token={token} tr={tr} currency={program.currency} timeZone={merchant.timezone} note={typeof query.payouts === "string" ? query.payouts : undefined} />
      )}

      <ReferralShare view={view} tr={tr} qr={await qrSvg(view.referral.link)} />

      {(merchant.websiteUrl || merchant.phone || merchant.termsUrl) && (
        <section className="mx-4 mt-6" aria-labelledby="contact-title">
          <h2 id="contact-title" className="text-lg font-semibold">
            {tr.t("card.contact")}
          </h2>
          <ul className="mt-2 divide-y divide-gray-200 rounded-2xl bg-white text-sm shadow-sm">
            {merchant.websiteUrl && (
              <li className="px-4 py-3">
                <a className="font-medium underline" href={merchant.websiteUrl} rel="noopener noreferrer">
                  {tr.t("pass.website")}
                </a>
              </li>
            )}
            {merchant.phone && (
              <li className="px-4 py-3">
                <a className="font-medium underline" href={`tel:${merchant.phone.replace(/[^+\d]/g, "")}`}>
                  {tr.t("card.call", { phone: merchant.phone })}
                </a>
              </li>
            )}
            {merchant.termsUrl && (
              <li className="px-4 py-3">
                <a className="font-medium underline" href={merchant.termsUrl} rel="noopener noreferrer">
                  {tr.t("pass.terms.google")}
                </a>
              </li>
            )}
          </ul>
        </section>
      )}

      <div className="mx-4 mt-6">
        <form method="post" action={`/c/${token}/language`} className="flex flex-wrap items-end gap-2">
          <div className="grow">
            <label className="text-sm font-medium" htmlFor="card-language">
              {tr.t("card.language")}
            </label>
            <LanguageSelect id="card-language" current={tr.lang} options={LANGUAGES.map((l) => ({ value: l, label: LANGUAGE_NAMES[l] }))} />
          </div>
          <button type="submit" className="rounded-lg border border-gray-300 bg-white px-4 py-2 text-sm font-medium text-gray-900 hover:bg-gray-50">
            {tr.t("card.language.save")}
          </button>
        </form>
      </div>
      <CardSelfService token={token} tr={tr} />
    </main>
  );
}

function LiveSection({ token, tr }: { token: string; tr: Translator }) {
  return (
    <div className="px-5 py-2">
      <LiveRefresh token={token} texts={{ on: tr.t("card.live.on"), connecting: tr.t("card.live.connecting") }} />
    </div>
  );
}

function Busy({ seconds, tr }: { seconds: number; tr: Translator }) {
  return (
    <main className="mx-auto grid min-h-dvh max-w-md place-items-center p-6 text-center">
      <div>
        <h1 className="text-xl font-semibold">{tr.t("card.busy.title")}</h1>
        <p className="mt-2 text-gray-600">{tr.t("card.busy.body", { count: seconds })}</p>
      </div>
    </main>
  );
}
