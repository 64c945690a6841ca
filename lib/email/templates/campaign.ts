import { emailLayout, esc } from "./layout";

/** A campaign announcement: the marketer's message, what the offer is, and until when. */
export function campaignEmail(d: {
  merchantName: string;
  brandColor: string;
  subject: string;
  message: string;
  offer: string;
  customerName: string | null;
  cardUrl: string;
}): { subject: string; html: string; text: string } {
  const paragraphs = d.message.split(/\n{2,}/).map((p) => `<p style="margin:0 0 16px">${esc(p).replace(/\n/g, "<br>")}</p>`).join("");
  const html = emailLayout({
    merchantName: d.merchantName,
    brandColor: d.brandColor,
    preheader: d.offer,
    body: `${d.customerName ? `<p style="margin:0 0 16px">Hi ${esc(d.customerName)},</p>` : ""}${paragraphs}<p style="margin:0 0 16px;padding:12px 16px;background:#f9fafb;border-radius:8px"><strong>${esc(d.offer)}</strong></p>`,
    button: { label: "Open my card", url: d.cardUrl },
  });
  const text = [d.customerName ? `Hi ${d.customerName},` : null, d.message, d.offer, `Your card: ${d.cardUrl}`].filter(Boolean).join("\n\n");
  return { subject: d.subject, html, text };
}
