import { translator, type Language } from "../../i18n";
import { emailLayout, esc } from "./layout";

/** A campaign announcement: the marketer's message, what the offer is, and until when. Keepcard's own words in the customer's language. */
export function campaignEmail(d: {
  merchantName: string;
  brandColor: string;
  subject: string;
  message: string;
  offer: string;
  customerName: string | null;
  cardUrl: string;
  language?: Language;
  /** The customer's one-click unsubscribe page (every marketing email links it). */
  unsubscribeUrl: string;
}): { subject: string; html: string; text: string } {
  const tr = translator(d.language);
  const hello = d.customerName ? tr.t("email.hi_name", { name: d.customerName }) : null;
  const paragraphs = d.message.split(/\n{2,}/).map((p) => `<p style="margin:0 0 16px">${esc(p).replace(/\n/g, "<br>")}</p>`).join("");
  const html = emailLayout({
    merchantName: d.merchantName,
    brandColor: d.brandColor,
    language: tr.lang,
    preheader: d.offer,
    body: `${hello ? `<p style="margin:0 0 16px">${esc(hello)}</p>` : ""}${paragraphs}<p style="margin:0 0 16px;padding:12px 16px;background:#f9fafb;border-radius:8px"><strong>${esc(d.offer)}</strong></p>`,
    button: { label: tr.t("email.open_my_card"), url: d.cardUrl },
    unsubscribeUrl: d.unsubscribeUrl,
  });
  const text = [hello, d.message, d.offer, tr.t("email.your_card", { url: d.cardUrl }), tr.t("email.unsubscribe.text", { url: d.unsubscribeUrl })].filter(Boolean).join("\n\n");
  return { subject: d.subject, html, text };
}
