import type { CardView } from "@/lib/cards/view";
import type { Translator } from "@/lib/i18n";
import { referralOfferText } from "@/lib/lifecycle/offer-text";
import { ReferralShareButtons } from "./referral-share-buttons";

/**
 * The card page's "Invite a friend": the member's share link (the join page with their code), its QR
 * code for a friend standing beside them, and what a referral brings when the program rewards it.
 */
export function ReferralShare({ view, tr, qr }: { view: CardView; tr: Translator; qr: string }) {
  if (view.card.status !== "active") return null;
  const { link, offer } = view.referral;
  return (
    <section className="mx-4 mt-6 rounded-2xl bg-white p-5 shadow-sm" aria-labelledby="referral-title" data-testid="referral-share">
      <h2 id="referral-title" className="text-lg font-semibold">
        {tr.t("card.referral.title")}
      </h2>
      <p className="mt-1 text-sm text-gray-700" data-testid="referral-offer">
        {offer ? referralOfferText(tr, view.program, offer) : tr.t("card.referral.plain")}
      </p>
      <div className="mt-4 flex flex-col items-center gap-4 sm:flex-row sm:items-start">
        <div className="w-40 shrink-0" role="img" aria-label={tr.t("card.referral.qr")} dangerouslySetInnerHTML={{ __html: qr }} />
        <ReferralShareButtons
          link={link}
          shareText={tr.t("card.referral.share_text", { program: view.program.name, merchant: view.merchant.name })}
          texts={{ label: tr.t("card.referral.title"), copy: tr.t("card.referral.copy"), copied: tr.t("card.referral.copied"), share: tr.t("card.referral.share") }}
        />
      </div>
    </section>
  );
}
