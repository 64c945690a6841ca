import { emailLayout, esc } from "./layout";

export type DigestNumbers = {
  weekLabel: string;
  newMembers: number;
  earns: number;
  pointsIssued: number;
  pointsRedeemed: number;
  vouchersRedeemed: number;
  /** Purchases sent with earns, already formatted per currency ("$1,234.50"). */
  revenue: string[];
  openFlags: number;
  heldCards: number;
};

/** The owner's weekly digest: last week's numbers, open fraud flags, and where to turn the email off. */
export function weeklyDigestEmail(d: DigestNumbers & { merchantName: string; brandColor: string; dashboardUrl: string; flagsUrl: string; settingsUrl: string }): { subject: string; html: string; text: string } {
  const n = (v: number) => v.toLocaleString("en-US");
  const lines: Array<[string, string]> = [
    ["New members", n(d.newMembers)],
    ["Visits with an earn", n(d.earns)],
    ["Points issued", n(d.pointsIssued)],
    ["Points redeemed", n(d.pointsRedeemed)],
    ["Vouchers used", n(d.vouchersRedeemed)],
    ["Purchases by members", d.revenue.length ? d.revenue.join(" + ") : "none recorded"],
  ];
  const flags =
    d.openFlags > 0
      ? `${n(d.openFlags)} fraud flag${d.openFlags === 1 ? "" : "s"} wait${d.openFlags === 1 ? "s" : ""} for review${d.heldCards > 0 ? `; ${n(d.heldCards)} card${d.heldCards === 1 ? " is" : "s are"} on hold` : ""}.`
      : "No fraud flags wait for review.";
  const subject = `${d.merchantName}: your week in loyalty (${d.weekLabel})`;
  const rows = lines.map(([k, v]) => `<tr><td style="padding:6px 0;color:#4b5563">${esc(k)}</td><td style="padding:6px 0;text-align:right;font-weight:600">${esc(v)}</td></tr>`).join("");
  const html = emailLayout({
    merchantName: d.merchantName,
    brandColor: d.brandColor,
    preheader: `${n(d.newMembers)} new members, ${n(d.pointsIssued)} points issued.`,
    body:
      `<p style="margin:0 0 12px">Here is ${esc(d.weekLabel)} at ${esc(d.merchantName)}.</p>` +
      `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="border-collapse:collapse">${rows}</table>` +
      `<p style="margin:16px 0 0">${esc(flags)}${d.openFlags > 0 ? ` <a href="${esc(d.flagsUrl)}">Review them</a>.` : ""}</p>`,
    button: { label: "Open the dashboard", url: d.dashboardUrl },
    footer: `You get this email because you own ${d.merchantName} on Keepcard. Turn it off on the Reports page: ${d.settingsUrl}`,
  });
  const text = [
    `Here is ${d.weekLabel} at ${d.merchantName}.`,
    "",
    ...lines.map(([k, v]) => `${k}: ${v}`),
    "",
    flags,
    d.openFlags > 0 ? `Review them: ${d.flagsUrl}` : "",
    "",
    `Dashboard: ${d.dashboardUrl}`,
    `Turn this email off: ${d.settingsUrl}`,
  ]
    .filter((l, i, all) => l !== "" || all[i - 1] !== "")
    .join("\n");
  return { subject, html, text };
}
