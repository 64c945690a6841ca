import { translator, type Language, type MessageKey } from "../../i18n";
import { emailLayout, esc } from "./layout";

export type ExpiryReminderData = {
  merchantName: string;
  brandColor: string;
  programName: string;
  customerName: string | null;
  /** Points (or stamps) that expire. */
  amount: number;
  unit: "points" | "stamps" | "cashback";
  balance: number;
  expiresAt: Date;
  timezone: string;
  /** Rewards the balance can buy now, most valuable first; or the next one within reach. */
  affordable: { name: string; cost: number }[];
  nextReward: { name: string; cost: number } | null;
  cardUrl: string;
  /** The customer's language; English when not given. */
  language?: Language;
};

const UNIT_KEY = { points: "unit.points", stamps: "unit.stamps", cashback: "unit.cashback" } as const satisfies Record<ExpiryReminderData["unit"], MessageKey>;

/** The email sent before points expire: how many, when, and what they can still buy, in the customer's language. */
export function expiryReminderEmail(d: ExpiryReminderData): { subject: string; html: string; text: string } {
  const tr = translator(d.language);
  const n = (count: number) => tr.t(UNIT_KEY[d.unit], { count });
  const date = tr.date(d.expiresAt, { dateStyle: "long", timeZone: d.timezone });
  const amount = n(d.amount);
  const subject = tr.t("email.expiry.subject", { amount, date, count: d.amount });
  const hello = d.customerName ? tr.t("email.hi_name", { name: d.customerName }) : tr.t("email.hi");
  const buys =
    d.affordable.length > 0
      ? {
          html: `<p style="margin:0 0 8px">${tr.html("email.expiry.can_get", { amount: n(d.balance) })}</p><ul style="margin:0 0 16px;padding-left:20px">${d.affordable.map((r) => `<li>${esc(r.name)} <span style="color:#6b7280">(${esc(n(r.cost))})</span></li>`).join("")}</ul>`,
          text: `${tr.t("email.expiry.can_get", { amount: n(d.balance) })}\n${d.affordable.map((r) => `- ${r.name} (${n(r.cost)})`).join("\n")}`,
        }
      : d.nextReward
        ? {
            html: `<p style="margin:0 0 16px">${tr.html("email.expiry.away", { amount: n(d.nextReward.cost - d.balance), reward: d.nextReward.name })}</p>`,
            text: tr.t("email.expiry.away", { amount: n(d.nextReward.cost - d.balance), reward: d.nextReward.name }),
          }
        : { html: "", text: "" };
  const rest = { program: d.programName, date, count: d.amount };
  const html = emailLayout({
    merchantName: d.merchantName,
    brandColor: d.brandColor,
    language: tr.lang,
    preheader: tr.t("email.expiry.preheader", { date }),
    body: `<p style="margin:0 0 16px">${esc(hello)}</p>
<p style="margin:0 0 16px"><strong style="font-size:22px">${esc(amount)}</strong><br>${tr.html("email.expiry.rest", { ...rest, date: { html: `<strong>${esc(date)}</strong>` } })}</p>
${buys.html}<p style="margin:0">${tr.html("email.expiry.use")}</p>`,
    button: { label: tr.t("email.open_my_card"), url: d.cardUrl },
  });
  const text = [hello, "", `${amount} ${tr.t("email.expiry.rest", rest)}`, "", buys.text, "", tr.t("email.your_card", { url: d.cardUrl })]
    .filter((l, i, a) => !(l === "" && a[i - 1] === ""))
    .join("\n");
  return { subject, html, text };
}
