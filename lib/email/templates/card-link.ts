import { emailLayout, esc } from "./layout";

/**
 * The link to a card, for someone who joins a program with an email that already has a card there:
 * the join page sends it to that inbox instead of showing the card to whoever typed the address.
 */
export function cardLinkEmail(d: { merchantName: string; brandColor: string; programName: string; cardUrl: string }): { subject: string; html: string; text: string } {
  const subject = `Your ${d.programName} card`;
  const html = emailLayout({
    merchantName: d.merchantName,
    brandColor: d.brandColor,
    preheader: `Your ${d.programName} card at ${d.merchantName}.`,
    body: `<p style="margin:0 0 16px">Here is your <strong>${esc(d.programName)}</strong> card at ${esc(d.merchantName)}.</p><p style="margin:0">Add it to Apple Wallet or Google Wallet from that page.</p>`,
    button: { label: "Open your card", url: d.cardUrl },
  });
  const text = `Here is your ${d.programName} card at ${d.merchantName}:\n${d.cardUrl}\n\nAdd it to Apple Wallet or Google Wallet from that page.`;
  return { subject, html, text };
}
