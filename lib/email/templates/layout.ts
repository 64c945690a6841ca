import { translator, type Language } from "../../i18n";

/** Escapes text for HTML element content and attribute values: the one HTML escape of Keepcard's emails. */
export function esc(value: string | number): string {
  return String(value).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

/** Keepcard's own colour, for emails Keepcard sends on its own behalf (invitations, sign-in). */
export const KEEPCARD_COLOR = "#059669";

/**
 * A plain, single-column email that reads well in every client: inline styles only, system fonts,
 * the merchant's colour on the button. `body` is already-escaped HTML; `footer` is plain text and
 * says why the reader gets the email (by default: a loyalty card with the merchant).
 */
export function emailLayout(opts: {
  merchantName: string;
  brandColor: string;
  preheader: string;
  body: string;
  button?: { label: string; url: string };
  footer?: string;
  /** The reader's language (the html lang attribute and the default footer); English when not given. */
  language?: Language;
  /** Marketing email: the one-click unsubscribe page, linked in the footer. */
  unsubscribeUrl?: string;
}): string {
  const tr = translator(opts.language);
  const color = /^#[0-9a-fA-F]{3,8}$/.test(opts.brandColor) ? opts.brandColor : "#1f2937";
  const button = opts.button
    ? `<p style="margin:28px 0"><a href="${esc(opts.button.url)}" style="background:${color};color:#ffffff;text-decoration:none;padding:12px 20px;border-radius:8px;font-weight:600;display:inline-block">${esc(opts.button.label)}</a></p>`
    : "";
  return `<!doctype html>
<html lang="${tr.lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${esc(opts.merchantName)}</title></head>
<body style="margin:0;padding:0;background:#f3f4f6">
<span style="display:none;max-height:0;overflow:hidden">${esc(opts.preheader)}</span>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f3f4f6;padding:24px 0"><tr><td align="center">
<table role="presentation" width="560" cellpadding="0" cellspacing="0" style="max-width:560px;width:100%;background:#ffffff;border-radius:12px;font-family:-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;color:#111827;font-size:16px;line-height:1.5">
<tr><td style="padding:20px 28px;border-bottom:4px solid ${color};font-weight:700;font-size:18px">${esc(opts.merchantName)}</td></tr>
<tr><td style="padding:24px 28px">${opts.body}${button}</td></tr>
<tr><td style="padding:16px 28px;color:#6b7280;font-size:13px">${esc(opts.footer ?? tr.t("email.footer", { merchant: opts.merchantName }))}${
    opts.unsubscribeUrl ? `<br><a href="${esc(opts.unsubscribeUrl)}" style="color:#4b5563;text-decoration:underline">${esc(tr.t("email.unsubscribe"))}</a>` : ""
  }</td></tr>
</table></td></tr></table>
</body></html>`;
}
