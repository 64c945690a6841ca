import { emailLayout, esc } from "./layout";

export type ExpiryReminderData = {
  merchantName: string;
  brandColor: string;
  programName: string;
  customerName: string | null;
  /** Points (or stamps) that expire. */
  amount: number;
  unit: string;
  balance: number;
  expiresAt: Date;
  timezone: string;
  /** Rewards the balance can buy now, most valuable first; or the next one within reach. */
  affordable: { name: string; cost: number }[];
  nextReward: { name: string; cost: number } | null;
  cardUrl: string;
};

/** The email sent before points expire: how many, when, and what they can still buy. */
export function expiryReminderEmail(d: ExpiryReminderData): { subject: string; html: string; text: string } {
  const date = new Intl.DateTimeFormat("en", { dateStyle: "long", timeZone: d.timezone }).format(d.expiresAt);
  const amount = `${d.amount.toLocaleString("en")} ${d.unit}`;
  const subject = `${amount} expire on ${date}`;
  const hello = d.customerName ? `Hi ${d.customerName},` : "Hi,";
  const buys =
    d.affordable.length > 0
      ? { html: `<p style="margin:0 0 8px">With your ${esc(d.balance)} ${esc(d.unit)} you can get:</p><ul style="margin:0 0 16px;padding-left:20px">${d.affordable.map((r) => `<li>${esc(r.name)} <span style="color:#6b7280">(${esc(r.cost)} ${esc(d.unit)})</span></li>`).join("")}</ul>`,
          text: `With your ${d.balance} ${d.unit} you can get:\n${d.affordable.map((r) => `- ${r.name} (${r.cost} ${d.unit})`).join("\n")}` }
      : d.nextReward
        ? { html: `<p style="margin:0 0 16px">You are ${esc(d.nextReward.cost - d.balance)} ${esc(d.unit)} away from ${esc(d.nextReward.name)}.</p>`,
            text: `You are ${d.nextReward.cost - d.balance} ${d.unit} away from ${d.nextReward.name}.` }
        : { html: "", text: "" };
  const html = emailLayout({
    merchantName: d.merchantName,
    brandColor: d.brandColor,
    preheader: `Use them before ${date}.`,
    body: `<p style="margin:0 0 16px">${esc(hello)}</p>
<p style="margin:0 0 16px"><strong style="font-size:22px">${esc(amount)}</strong><br>on your ${esc(d.programName)} card expire on <strong>${esc(date)}</strong>.</p>
${buys.html}<p style="margin:0">Show your card at the counter before then to use them.</p>`,
    button: { label: "Open my card", url: d.cardUrl },
  });
  const text = [hello, "", `${amount} on your ${d.programName} card expire on ${date}.`, "", buys.text, "", `Your card: ${d.cardUrl}`].filter((l, i, a) => !(l === "" && a[i - 1] === "")).join("\n");
  return { subject, html, text };
}
