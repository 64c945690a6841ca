"use client";

import { useRouter } from "next/navigation";
import { useEffect, useState, useTransition } from "react";
import { redeemFromCardPage } from "./actions";

/** Listens to the card's change feed and re-renders the page when the balance, tier or vouchers move. */
export function LiveRefresh({ token, texts }: { token: string; texts: { on: string; connecting: string } }) {
  const router = useRouter();
  const [live, setLive] = useState(false);
  useEffect(() => {
    const source = new EventSource(`/c/${token}/events`);
    source.addEventListener("ready", () => setLive(true));
    source.addEventListener("change", () => router.refresh());
    source.onerror = () => setLive(false);
    return () => source.close();
  }, [token, router]);
  return (
    <p className="flex items-center gap-2 text-xs text-gray-500" aria-live="polite">
      <span aria-hidden className={`size-2 rounded-full ${live ? "bg-brand-500" : "bg-gray-300"}`} />
      {live ? texts.on : texts.connecting}
    </p>
  );
}

/** Tells this browser the card is its own, so claim codes scanned later go onto it (a cookie only /claim pages receive). */
export function RememberCard({ token }: { token: string }) {
  useEffect(() => {
    void fetch("/claim/remember", { method: "POST", body: token, keepalive: true }).catch(() => {});
  }, [token]);
  return null;
}

type Voucher = { id: string; title: string; code: string; expiresAt: string; qr: string };

export function RedeemButton({
  token,
  rewardId,
  unavailable,
  texts: t,
  locale,
}: {
  token: string;
  rewardId: string;
  /** Why the customer cannot redeem it now ("Out of stock", "40 more points"), or null when they can. */
  unavailable: string | null;
  /** In the page's language; `yours` has a {title} and `validUntil` a {date} to fill in. */
  texts: { redeem: string; label: string; confirm: string; yes: string; pending: string; cancel: string; yours: string; show: string; validUntil: string };
  locale: string;
}) {
  const router = useRouter();
  const [pending, start] = useTransition();
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [voucher, setVoucher] = useState<Voucher | null>(null);

  if (voucher) {
    return (
      <div className="mt-3 rounded-xl border-2 border-dashed border-brand-500 bg-brand-50 p-4 text-center" role="status">
        <p className="font-semibold">{t.yours.replace("{title}", voucher.title)}</p>
        <p className="text-sm text-gray-600">{t.show}</p>
        <div className="mx-auto mt-3 w-48" dangerouslySetInnerHTML={{ __html: voucher.qr }} />
        <p className="mt-2 font-mono text-lg tracking-widest">{voucher.code}</p>
        <p className="text-xs text-gray-500">{t.validUntil.replace("{date}", new Date(voucher.expiresAt).toLocaleDateString(locale, { dateStyle: "medium" }))}</p>
      </div>
    );
  }
  if (unavailable) return <p className="mt-2 text-xs text-gray-500">{unavailable}</p>;
  return (
    <div className="mt-3">
      {confirming ? (
        <div className="flex flex-wrap items-center gap-2">
          <span className="text-sm">{t.confirm}</span>
          <button
            type="button"
            disabled={pending}
            className="rounded-lg bg-brand-700 px-3 py-2 text-sm font-medium text-white hover:bg-brand-800 disabled:bg-gray-400"
            onClick={() =>
              start(async () => {
                setError(null);
                const result = await redeemFromCardPage({ token, rewardId });
                if (result.ok) {
                  setVoucher(result.data);
                  router.refresh();
                } else setError(result.error);
                setConfirming(false);
              })
            }
          >
            {pending ? t.pending : t.yes}
          </button>
          <button type="button" className="rounded-lg px-3 py-2 text-sm text-gray-700 hover:bg-gray-100" onClick={() => setConfirming(false)}>
            {t.cancel}
          </button>
        </div>
      ) : (
        <button
          type="button"
          className="rounded-lg bg-brand-700 px-4 py-2 text-sm font-medium text-white hover:bg-brand-800"
          onClick={() => setConfirming(true)}
          aria-label={t.label}
        >
          {t.redeem}
        </button>
      )}
      {error && (
        <p className="mt-2 text-sm text-red-700" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

/** The card page's language select: choosing a language sends its form at once (the button beside it does the same without JavaScript). */
export function LanguageSelect({ id, current, options }: { id: string; current: string; options: { value: string; label: string }[] }) {
  return (
    <select
      id={id}
      name="language"
      defaultValue={current}
      className="mt-1 block w-full rounded-lg border border-gray-300 bg-white px-3 py-2 text-base"
      onChange={(e) => e.currentTarget.form?.requestSubmit()}
    >
      {options.map((o) => (
        <option key={o.value} value={o.value} lang={o.value}>
          {o.label}
        </option>
      ))}
    </select>
  );
}
