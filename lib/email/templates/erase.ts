import { translator, type Language } from "../../i18n";
import { emailLayout, esc } from "./layout";

/** The link that confirms deleting a card and its holder's data, asked for on the card page. In the holder's language. */
export function eraseEmail(d: { merchantName: string; brandColor: string; programName: string; url: string; cardUrl: string; language?: Language }): {
  subject: string;
  html: string;
  text: string;
} {
  const tr = translator(d.language);
  const names = { program: d.programName, merchant: d.merchantName };
  const html = emailLayout({
    merchantName: d.merchantName,
    brandColor: d.brandColor,
    language: tr.lang,
    preheader: tr.t("email.erase.subject", names),
    body: `<p style="margin:0 0 16px">${esc(tr.t("email.erase.intro", names))}</p><p style="margin:0">${esc(tr.t("email.erase.ignore"))}</p>`,
    button: { label: tr.t("email.erase.button"), url: d.url },
  });
  const text = `${tr.t("email.erase.intro", names)}\n${d.url}\n\n${tr.t("email.erase.ignore")}\n\n${tr.t("email.your_card", { url: d.cardUrl })}`;
  return { subject: tr.t("email.erase.subject", names), html, text };
}
