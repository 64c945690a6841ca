import { translator, type Language } from "../../i18n";
import { emailLayout, esc } from "./layout";

/**
 * The link to a card, for someone who joins a program with an email that already has a card there:
 * the join page sends it to that inbox instead of showing the card to whoever typed the address.
 * In the member's language.
 */
export function cardLinkEmail(d: { merchantName: string; brandColor: string; programName: string; cardUrl: string; language?: Language }): { subject: string; html: string; text: string } {
  const tr = translator(d.language);
  const names = { program: d.programName, merchant: d.merchantName };
  const html = emailLayout({
    merchantName: d.merchantName,
    brandColor: d.brandColor,
    language: tr.lang,
    preheader: tr.t("email.card_link.preheader", names),
    body: `<p style="margin:0 0 16px">${tr.html("email.card_link.intro", { ...names, program: { html: `<strong>${esc(d.programName)}</strong>` } })}</p><p style="margin:0">${tr.html("email.card_link.wallets")}</p>`,
    button: { label: tr.t("email.card_link.button"), url: d.cardUrl },
  });
  const text = `${tr.t("email.card_link.intro", names).replace(/\.$/, ":")}\n${d.cardUrl}\n\n${tr.t("email.card_link.wallets")}`;
  return { subject: tr.t("email.card_link.subject", names), html, text };
}
