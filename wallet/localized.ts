import type { CardView } from "../lib/cards/view";
import type { GoalView } from "../lib/goals/progress";
import { LANGUAGES, translator, type Language, type Translator } from "../lib/i18n";

/** One text of a pass in every language, and the one the card's holder chose. */
export type LocalizedText = { text: string; all: Record<Language, string> };

// One translator per language for every pass text (a pass has some thirty texts, each built in every language).
let translators: [Language, Translator][] | undefined;

/** Builds a pass text in every language with the same recipe (`tr => tr.t(...)`): numbers and plurals follow each language. */
export function localizedText(lang: Language, build: (tr: Translator) => string): LocalizedText {
  translators ??= LANGUAGES.map((l) => [l, translator(l)]);
  const all = Object.fromEntries(translators.map(([l, tr]) => [l, build(tr)])) as Record<Language, string>;
  return { text: all[lang], all };
}

/** A text that reads the same in every language (a merchant's own words, a tier's name). */
export function sameText(text: string): LocalizedText {
  return { text, all: Object.fromEntries(LANGUAGES.map((l) => [l, text])) as Record<Language, string> };
}

/**
 * Google Wallet's LocalizedString: the default in the holder's language, the translations in the
 * others. Google shows the translation of the phone's language, else the default.
 */
export function googleLocalized(lang: Language, t: LocalizedText) {
  return {
    defaultValue: { language: lang, value: t.all[lang] },
    translatedValues: LANGUAGES.filter((l) => l !== lang).map((l) => ({ language: l, value: t.all[l] })),
  };
}

/** The next reward's name for a pass: a stamp card with no reward set aims at "a full card", said in each language. */
export function nextRewardTitle(view: CardView, tr: Translator): string {
  const { program } = view;
  if (program.kind === "stamps" && !view.rewards.some((r) => r.id === program.stampRewardId)) return tr.t("pass.full_card");
  return view.next?.title ?? tr.t("pass.a_reward");
}

/** A date as a pass shows it ("March 3, 2027", "3 de marzo de 2027"), on the calendar of the merchant's time zone. */
export function passDate(tr: Translator, at: Date, timeZone: string): string {
  return tr.date(at, { dateStyle: "long", timeZone });
}

/** An amount of a group goal's metric: "1,000 visits", "250 stamps", "$1,000.00" (spend, and cashback earned). */
export function goalAmount(tr: Translator, goal: Pick<GoalView, "metric">, program: Pick<CardView["program"], "kind" | "currency">, n: number): string {
  if (goal.metric === "spend" || (goal.metric === "earned" && program.kind === "cashback")) return tr.money(n, program.currency);
  if (goal.metric === "visits") return tr.t("goal.metric.visits", { count: n });
  return tr.t(program.kind === "stamps" ? "goal.metric.stamps" : "goal.metric.points", { count: n });
}

/** A goal's progress in words: "420 of 1,000 visits", "$420.00 of $1,000.00". */
export function goalProgressText(tr: Translator, goal: GoalView, program: Pick<CardView["program"], "kind" | "currency">): string {
  const money = goal.metric === "spend" || (goal.metric === "earned" && program.kind === "cashback");
  return tr.t("goal.progress", { current: money ? tr.money(goal.progress, program.currency) : tr.number(goal.progress), target: goalAmount(tr, goal, program, goal.target) });
}

/** What each participant gets: "Everyone who takes part gets a free pastry." / "… gets 50 points." */
export function goalRewardText(tr: Translator, goal: GoalView, program: Pick<CardView["program"], "kind" | "currency">): string {
  const reward =
    goal.reward.kind === "voucher"
      ? goal.reward.title
      : program.kind === "cashback"
        ? tr.money(goal.reward.points, program.currency)
        : tr.t(program.kind === "stamps" ? "unit.stamps" : "unit.points", { count: goal.reward.points });
  return tr.t("goal.reward.voucher", { reward });
}

/** The back of a pass: a goal's name, progress, reward, and its end (or that it was reached). */
export function goalPassText(tr: Translator, goal: GoalView, view: Pick<CardView, "program" | "merchant">): string {
  const status = goal.status === "reached" ? tr.t("goal.reached") : tr.t("goal.ends", { date: passDate(tr, goal.endsAt, view.merchant.timezone) });
  return [goal.name, goalProgressText(tr, goal, view.program), goalRewardText(tr, goal, view.program), status].join("\n");
}
