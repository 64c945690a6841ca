import { emailLayout, esc, KEEPCARD_COLOR } from "./layout";

/** An invitation to join a business's team: who invites, in which role, and how to accept. */
export function invitationEmail(d: { merchantName: string; role: string; email: string; link: string; validDays: number }): { subject: string; html: string; text: string } {
  const subject = `You're invited to ${d.merchantName} on Keepcard`;
  const html = emailLayout({
    merchantName: d.merchantName,
    brandColor: KEEPCARD_COLOR,
    preheader: `Join ${d.merchantName} as ${d.role}.`,
    body: `<p style="margin:0 0 16px">You have been invited to join <strong>${esc(d.merchantName)}</strong> as ${esc(d.role)}.</p><p style="margin:0">Sign in with ${esc(d.email)}. The invitation is valid for ${esc(d.validDays)} days.</p>`,
    button: { label: "Accept the invitation", url: d.link },
    footer: `You get this email because someone at ${d.merchantName} invited ${d.email} to their team on Keepcard.`,
  });
  const text = `You have been invited to join ${d.merchantName} as ${d.role}.\n\nSign in with this address to accept:\n${d.link}\n\nThe invitation is valid for ${d.validDays} days.`;
  return { subject, html, text };
}
