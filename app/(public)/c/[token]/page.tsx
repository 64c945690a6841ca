import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { dbReady } from "@/db/client";
import { cardQrToken } from "@/lib/cards/token";
import { cardActivity, loadCardView, type CardView } from "@/lib/cards/view";
import { isAppError } from "@/lib/errors";
import { formatMoney } from "@/lib/money";
import { rewardUnavailable } from "@/lib/rewards/availability";
import { rewardImagePath } from "@/lib/rewards/images";
import { voucherToken } from "@/lib/vouchers/token";
import { walletStatus } from "@/wallet/config";
import { clientIp } from "../../../_server/client-ip";
import { limitCardTraffic } from "../../_public";
import { qrSvg } from "../../qr";
import { LiveRefresh, RedeemButton } from "./client";

export const dynamic = "force-dynamic";

export const metadata: Metadata = { title: "Your card", robots: { index: false, follow: false }, referrer: "no-referrer" };

const KIND_LABEL: Record<string, string> = { earn: "Earned", redeem: "Redeemed", adjust: "Adjusted", reverse: "Reversed", expire: "Expired", bonus: "Bonus", payout: "Paid out" };

function amount(view: CardView, n: number): string {
  if (view.program.kind === "cashback") return formatMoney(n, view.program.currency);
  return n.toLocaleString("en-US");
}

// Texts this page added for expiring points and the merchant's links, in one place for translation.
const CARD_LABELS = {
  expiring: (points: number, date: string) => `${points.toLocaleString("en-US")} ${points === 1 ? "point expires" : "points expire"} on ${date}`,
  contactTitle: "Contact",
  website: "Website",
  phone: "Call",
  terms: "Terms of the program",
};

const unitOf = (view: CardView) => (view.program.kind === "stamps" ? "stamps" : view.program.kind === "cashback" ? "" : "points");

export default async function CardPage({ params, searchParams }: { params: Promise<{ token: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { token } = await params;
  const query = await searchParams;
  if (!/^[A-Za-z0-9]{16,64}$/.test(token)) notFound();
  const db = await dbReady();
  const view = await loadCardView(db, { publicToken: token });
  if (!view) notFound();
  try {
    await limitCardTraffic(await clientIp(), view.card.id, "page");
  } catch (error) {
    if (isAppError(error) && error.code === "rate_limited") return <Busy seconds={error.retryAfter ?? 60} />;
    throw error;
  }

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
      <LiveSection token={token} />
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
              Stamps
            </p>
            <ol className="mt-2 grid grid-cols-5 gap-3" aria-label={`${card.balance} of ${program.stampsRequired ?? 10} stamps`}>
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
              {program.kind === "cashback" ? "Cashback balance" : "Points"}
            </p>
            <p className="text-5xl font-bold tabular-nums" data-testid="balance">
              {amount(view, card.balance)}
            </p>
          </div>
        )}

        {view.next && (
          <div className="mt-5">
            <div className="h-2 rounded-full" style={{ backgroundColor: `${design.labelColor}55` }} role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(progress * 100)} aria-label="Progress to your next reward">
              <div className="h-2 rounded-full" style={{ width: `${progress * 100}%`, backgroundColor: design.foregroundColor }} />
            </div>
            <p className="mt-2 text-sm" style={{ color: design.labelColor }}>
              {view.next.remaining} {unitOf(view)} to {view.next.title}
            </p>
          </div>
        )}
        {view.tier?.next && (
          <p className="mt-1 text-sm" style={{ color: design.labelColor }}>
            {view.tier.next.remaining} more to reach {view.tier.next.name}
          </p>
        )}
        {view.expiring && (
          <p className="mt-1 text-sm font-medium" data-testid="expiring">
            {CARD_LABELS.expiring(view.expiring.points, view.expiring.at.toLocaleDateString("en-US", { dateStyle: "long", timeZone: merchant.timezone }))}
          </p>
        )}
      </section>

      <section className="mx-4 -mt-3 rounded-2xl bg-white p-5 text-center shadow-sm" aria-labelledby="scan-title">
        <h2 id="scan-title" className="text-sm font-medium text-gray-600">
          Show this at the counter
        </h2>
        <div className="mx-auto mt-3 w-52" role="img" aria-label="Your card's QR code" dangerouslySetInnerHTML={{ __html: cardQr }} />
        <p className="mt-1 text-xs text-gray-500">Member code {card.referralCode}</p>
      </section>

      <section className="mx-4 mt-4 grid gap-2" aria-label="Add to a wallet">
        {wallets.apple.configured ? (
          <a href={`/c/${token}/apple.pkpass`} className="flex items-center justify-center gap-2 rounded-xl bg-black px-4 py-3 font-medium text-white hover:bg-gray-800">
            <span aria-hidden></span> Add to Apple Wallet
          </a>
        ) : (
          <p className="rounded-xl border border-dashed border-gray-300 px-4 py-3 text-center text-sm text-gray-600">Apple Wallet is not set up for this business yet.</p>
        )}
        {wallets.google.mode === "development" ? (
          <p className="rounded-xl border border-dashed border-amber-400 bg-amber-50 px-4 py-3 text-center text-sm text-amber-900" data-testid="google-wallet-development">
            Google Wallet is in development mode on this server: cards can&apos;t be saved to a real Google Wallet yet.
          </p>
        ) : wallets.google.configured ? (
          // A form POST, not a link: the object is created at Google only when the customer asks (link prefetchers only GET).
          <form method="post" action={`/c/${token}/google`}>
            <button type="submit" className="flex w-full items-center justify-center gap-2 rounded-xl border border-gray-300 bg-white px-4 py-3 font-medium text-gray-900 hover:bg-gray-50">
              <span aria-hidden className="font-bold text-[#4285f4]">G</span> Add to Google Wallet
            </button>
          </form>
        ) : (
          <p className="rounded-xl border border-dashed border-gray-300 px-4 py-3 text-center text-sm text-gray-600">Google Wallet is not set up for this business yet.</p>
        )}
        {googleFailed && (
          <p className="text-center text-sm text-red-700" role="alert">
            Google Wallet could not be reached just now. Please try again in a minute.
          </p>
        )}
      </section>

      {open.length > 0 && (
        <section className="mx-4 mt-6" aria-labelledby="vouchers-title">
          <h2 id="vouchers-title" className="text-lg font-semibold">
            Your vouchers
          </h2>
          <ul className="mt-2 grid gap-3">
            {open.map((v, i) => (
              <li key={v.id} id={`voucher-${v.id}`} className="rounded-2xl border-2 border-dashed border-brand-500 bg-white p-4">
                <div className="flex items-start gap-4">
                  <div className="w-28 shrink-0" role="img" aria-label={`QR code for ${v.title}`} dangerouslySetInnerHTML={{ __html: voucherQrs[i]! }} />
                  <div>
                    <p className="font-semibold">{v.title}</p>
                    <p className="mt-1 font-mono tracking-widest">{v.code}</p>
                    <p className="mt-1 text-xs text-gray-500">Valid until {v.expiresAt.toLocaleDateString("en-US", { dateStyle: "medium" })}</p>
                  </div>
                </div>
              </li>
            ))}
          </ul>
        </section>
      )}

      {program.kind === "points" && (
        <section className="mx-4 mt-6" aria-labelledby="rewards-title">
          <h2 id="rewards-title" className="text-lg font-semibold">
            Rewards
          </h2>
          {view.rewards.length === 0 ? (
            <p className="mt-2 text-sm text-gray-600">No rewards yet. Keep collecting!</p>
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
                        <p className="shrink-0 text-sm text-gray-600">{amount(view, r.cost)} points</p>
                      </div>
                      {r.description && <p className="mt-1 text-sm text-gray-600">{r.description}</p>}
                      {/* Always mounted, so the voucher just redeemed stays on screen when the live refresh lowers the balance. */}
                      <RedeemButton
                        token={token}
                        rewardId={r.id}
                        name={r.name}
                        cost={r.cost}
                        unit="points"
                        unavailable={canAfford ? null : closed ? closed.message : `${r.cost - card.balance} more points`}
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
          Recent activity
        </h2>
        {entries.length === 0 ? (
          <p className="mt-2 text-sm text-gray-600">Nothing yet. Your visits will show up here.</p>
        ) : (
          <ul className="mt-2 divide-y divide-gray-200 rounded-2xl bg-white shadow-sm">
            {entries.map((e) => (
              <li key={e.id} className="flex items-center justify-between px-4 py-3 text-sm">
                <div>
                  <p className="font-medium">{KIND_LABEL[e.kind] ?? e.kind}</p>
                  <p className="text-xs text-gray-500">{e.createdAt.toLocaleString("en-US", { dateStyle: "medium", timeStyle: "short", timeZone: merchant.timezone })}</p>
                </div>
                <p className={`tabular-nums font-semibold ${e.amount >= 0 ? "text-brand-700" : "text-gray-700"}`}>
                  {e.amount >= 0 ? "+" : "−"}
                  {amount(view, Math.abs(e.amount))}
                </p>
              </li>
            ))}
          </ul>
        )}
      </section>

      {(merchant.websiteUrl || merchant.phone || merchant.termsUrl) && (
        <section className="mx-4 mt-6" aria-labelledby="contact-title">
          <h2 id="contact-title" className="text-lg font-semibold">
            {CARD_LABELS.contactTitle}
          </h2>
          <ul className="mt-2 divide-y divide-gray-200 rounded-2xl bg-white text-sm shadow-sm">
            {merchant.websiteUrl && (
              <li className="px-4 py-3">
                <a className="font-medium underline" href={merchant.websiteUrl} rel="noopener noreferrer">
                  {CARD_LABELS.website}
                </a>
              </li>
            )}
            {merchant.phone && (
              <li className="px-4 py-3">
                <a className="font-medium underline" href={`tel:${merchant.phone.replace(/[^+\d]/g, "")}`}>
                  {CARD_LABELS.phone} {merchant.phone}
                </a>
              </li>
            )}
            {merchant.termsUrl && (
              <li className="px-4 py-3">
                <a className="font-medium underline" href={merchant.termsUrl} rel="noopener noreferrer">
                  {CARD_LABELS.terms}
                </a>
              </li>
            )}
          </ul>
        </section>
      )}
    </main>
  );
}

function LiveSection({ token }: { token: string }) {
  return (
    <div className="px-5 py-2">
      <LiveRefresh token={token} />
    </div>
  );
}

function Busy({ seconds }: { seconds: number }) {
  return (
    <main className="mx-auto grid min-h-dvh max-w-md place-items-center p-6 text-center">
      <div>
        <h1 className="text-xl font-semibold">One moment, please</h1>
        <p className="mt-2 text-gray-600">This card was opened many times in a short while. Try again in {seconds} seconds.</p>
      </div>
    </main>
  );
}
