import type { CardView } from "../lib/cards/view";
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
