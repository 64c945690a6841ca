import type { Reward } from "../../db/schema";
import type { Translator } from "../i18n";
import type { Unavailable } from "./availability";

/** Why a reward cannot be taken now, in the reader's language: availability.ts decides, and its own words are the English ones. */
export function unavailableText(tr: Translator, closed: Unavailable, r: Pick<Reward, "eligibleTiers" | "availableFrom" | "availableUntil">): string {
  if (tr.lang === "en") return closed.message;
  const day = (d: Date) => tr.date(d, { day: "numeric", month: "short", timeZone: "UTC" });
  switch (closed.reason) {
    case "tier":
      return tr.t("card.reward.tier", { tiers: new Intl.ListFormat(tr.locale, { type: "disjunction" }).format(r.eligibleTiers) });
    case "not_yet":
      return r.availableFrom ? tr.t("card.reward.from", { date: day(r.availableFrom) }) : closed.message;
    case "ended":
      // The window's end is exclusive (midnight after the last day): its last day is the moment before.
      return r.availableUntil ? tr.t("card.reward.ended", { date: day(new Date(r.availableUntil.getTime() - 1)) }) : closed.message;
    case "out_of_stock":
      return tr.t("card.out_of_stock");
  }
}
