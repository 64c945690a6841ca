import { esc, KEEPCARD_COLOR } from "./layout";

/** The sign-in email: plain words, one button, and the link in text for mail clients without HTML. */
export function magicLinkEmail(url: string, host: string) {
  const subject = `Your Keepcard sign-in link`;
  const text = `Sign in to Keepcard (${host}) with this link:\n${url}\n\nIt works once and expires in 15 minutes. If you did not ask for it, ignore this email.`;
  const html = `<div style="font-family:system-ui,sans-serif;max-width:480px">
<p>Click the button to sign in to Keepcard (${esc(host)}).</p>
<p><a href="${esc(url)}" style="display:inline-block;background:${KEEPCARD_COLOR};color:#fff;padding:12px 20px;border-radius:8px;text-decoration:none;font-weight:600">Sign in</a></p>
<p style="color:#6b7280;font-size:14px">The link works once and expires in 15 minutes. If you did not ask for it, ignore this email.</p>
</div>`;
  return { subject, text, html };
}
