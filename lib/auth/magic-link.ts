import { appOrigin } from "../env";

/**
 * The emailed sign-in link on the public origin: Auth.js's path and query (token, callbackUrl)
 * under APP_URL, whatever origin the request that asked for it claimed.
 */
export function publicSignInLink(authUrl: string): string {
  const url = new URL(authUrl);
  return `${appOrigin}${url.pathname}${url.search}`;
}

/** The sign-in email: plain words, one button, and the link in text for mail clients without HTML. */
export function magicLinkEmail(url: string, host: string) {
  const subject = `Your Keepcard sign-in link`;
  const text = `Sign in to Keepcard (${host}) with this link:\n${url}\n\nIt works once and expires in 15 minutes. If you did not ask for it, ignore this email.`;
  const html = `<div style="font-family:system-ui,sans-serif;max-width:480px">
<p>Click the button to sign in to Keepcard (${host}).</p>
<p><a href="${url}" style="display:inline-block;background:#059669;color:#fff;padding:12px 20px;border-radius:8px;text-decoration:none;font-weight:600">Sign in</a></p>
<p style="color:#6b7280;font-size:14px">The link works once and expires in 15 minutes. If you did not ask for it, ignore this email.</p>
</div>`;
  return { subject, text, html };
}

/** Picks the sign-in link out of an email body (dev outbox, tests). */
export function findSignInLink(text: string): string | null {
  return /https?:\/\/\S+\/api\/auth\/callback\/email\?\S+/.exec(text)?.[0] ?? null;
}
