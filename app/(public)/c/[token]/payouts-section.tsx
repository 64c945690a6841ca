import { dbReady } from "@/db/client";
import type { Translator } from "@/lib/i18n";
import { cardPayouts } from "@/lib/payouts/accounts";

// Back from Stripe, the section's own state says whether the account is linked: no note for that.
const NOTES: Record<string, { key: "payouts.paypal.saved" | "payouts.paypal.invalid" | "payouts.unavailable"; error: boolean }> = {
  "paypal-saved": { key: "payouts.paypal.saved", error: false },
  "paypal-invalid": { key: "payouts.paypal.invalid", error: true },
  unavailable: { key: "payouts.unavailable", error: true },
  busy: { key: "payouts.unavailable", error: true },
};

/**
 * The card page's cashback payouts: where the holder is paid (a PayPal email or a linked Stripe
 * account, as the program pays) and their own payouts, pending, paid or failed. Nothing when the
 * program does not pay out.
 */
export async function CardPayouts({ token, tr, currency, note, timeZone }: { token: string; tr: Translator; currency: string; note?: string; timeZone: string }) {
  const view = await cardPayouts(await dbReady(), { token });
  if (!view || (!view.provider && view.payouts.length === 0)) return null;
  const shown = note ? NOTES[note] : undefined;
  const button = "rounded-lg bg-brand-700 px-4 py-2 text-sm font-medium text-white hover:bg-brand-800";
  return (
    <section id="payouts" className="mx-4 mt-6" aria-labelledby="payouts-title">
      <h2 id="payouts-title" className="text-lg font-semibold">
        {tr.t("payouts.title")}
      </h2>
      <div className="mt-2 space-y-3 rounded-2xl bg-white p-4 text-sm shadow-sm">
        {view.minimum !== null && view.provider && view.provider !== "manual" && view.provider !== "webhook" && <p className="text-gray-700">{tr.t("payouts.minimum", { amount: tr.money(view.minimum, currency) })}</p>}
        {shown && (
          <p role={shown.error ? "alert" : "status"} className={shown.error ? "text-red-700" : "text-brand-800"}>
            {tr.t(shown.key)}
          </p>
        )}
        {view.provider === "paypal" && (
          <form method="post" action={`/c/${token}/payouts/paypal`} className="grid gap-2">
            <label htmlFor="paypal-email" className="font-medium">
              {tr.t("payouts.paypal.label")}
            </label>
            <input
              id="paypal-email"
              name="email"
              type="email"
              autoComplete="email"
              defaultValue={view.paypalEmail ?? ""}
              aria-describedby="paypal-email-hint"
              className="rounded-lg border border-gray-300 px-3 py-2"
            />
            <p id="paypal-email-hint" className="text-xs text-gray-600">
              {tr.t("payouts.paypal.hint")}
            </p>
            <button type="submit" className={`${button} justify-self-start`}>
              {tr.t("payouts.paypal.save")}
            </button>
          </form>
        )}
        {view.provider === "stripe" &&
          (view.stripeLinked ? (
            <p className="font-medium text-brand-800" data-testid="stripe-linked">
              {tr.t("payouts.stripe.linked")}
            </p>
          ) : (
            <form method="post" action={`/c/${token}/payouts/stripe`} className="grid gap-2">
              <p className="text-gray-700">{tr.t(view.stripePending ? "payouts.stripe.unfinished" : "payouts.stripe.hint")}</p>
              <button type="submit" className={`${button} justify-self-start`}>
                {tr.t(view.stripePending ? "payouts.stripe.continue" : "payouts.stripe.link")}
              </button>
            </form>
          ))}
        {view.payouts.length === 0 ? (
          <p className="text-gray-600">{tr.t("payouts.none")}</p>
        ) : (
          <ul className="divide-y divide-gray-200" aria-label={tr.t("payouts.title")}>
            {view.payouts.map((p) => (
              <li key={p.id} className="flex items-center justify-between py-2" data-testid="payout">
                <div>
                  <p className="font-medium tabular-nums">{tr.money(p.amount, p.currency)}</p>
                  <p className="text-xs text-gray-500">{tr.date(p.at, { dateStyle: "medium", timeZone })}</p>
                </div>
                <p className={p.status === "failed" ? "text-red-700" : p.status === "paid" ? "text-brand-800" : "text-gray-700"}>
                  {tr.t(`payouts.status.${p.status}`)}
                  {p.returned ? ` · ${tr.t("payouts.returned")}` : ""}
                </p>
              </li>
            ))}
          </ul>
        )}
      </div>
    </section>
  );
}
