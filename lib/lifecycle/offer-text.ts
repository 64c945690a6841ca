import type { Program } from "../../db/schema";
import type { Translator } from "../i18n";

type Offer = { referrerBonus: number; refereeBonus: number; minPurchase: number };

/** An amount in the program's unit, as a customer reads it: "50 points", "2 stamps", "$2.50". */
export function programAmount(tr: Translator, program: Pick<Program, "kind" | "currency">, n: number): string {
  if (program.kind === "cashback") return tr.money(n, program.currency);
  return tr.t(program.kind === "stamps" ? "unit.stamps" : "unit.points", { count: n });
}

/** What inviting a friend brings, for the member who shares (card page, both passes). */
export function referralOfferText(tr: Translator, program: Pick<Program, "kind" | "currency">, offer: Offer): string {
  const after = offer.minPurchase > 0 ? tr.t("referral.after.min", { amount: tr.money(offer.minPurchase, program.currency) }) : tr.t("referral.after");
  const you = programAmount(tr, program, offer.referrerBonus);
  const them = programAmount(tr, program, offer.refereeBonus);
  if (offer.referrerBonus > 0 && offer.refereeBonus > 0) return tr.t("referral.gift.both", { you, them, after });
  if (offer.referrerBonus > 0) return tr.t("referral.gift.you", { you, after });
  return tr.t("referral.gift.them", { them, after });
}

/** What the new member gets, for the join page; null when the new member gets nothing. */
export function refereeOfferText(tr: Translator, program: Pick<Program, "kind" | "currency">, offer: Offer): string | null {
  if (offer.refereeBonus <= 0) return null;
  const bonus = programAmount(tr, program, offer.refereeBonus);
  return offer.minPurchase > 0 ? tr.t("join.referral.offer.min", { bonus, amount: tr.money(offer.minPurchase, program.currency) }) : tr.t("join.referral.offer", { bonus });
}
