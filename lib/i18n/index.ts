/**
 * Keepcard's customer-facing languages: a typed catalogue per language (messages/*.ts), plurals
 * through Intl.PluralRules, numbers, dates and money through Intl in the language's locale. What a
 * customer reads (card page, join page, emails, both wallet passes) goes through translator().
 */
import { formatMoney } from "../money";
import { placeholders, type ArgsOf, type Catalogue, type MessageKey, type Plural } from "./catalogue";
import { asLanguage, LANGUAGES, LOCALES, type Language } from "./languages";
import { de } from "./messages/de";
import { en } from "./messages/en";
import { es } from "./messages/es";
import { fr } from "./messages/fr";

export * from "./languages";
export type { ArgsOf, Catalogue, MessageKey, ParamsOf, Plural } from "./catalogue";

export const CATALOGUES: Readonly<Record<Language, Catalogue>> = { en, es, fr, de };

/** A value that goes into HTML as it is (already escaped by the caller), for Translator.html. */
export type RawHtml = { html: string };

export type Translator = {
  lang: Language;
  locale: string;
  /** The message in this language with its parameters filled in; numbers are formatted for the locale. */
  t<K extends MessageKey>(key: K, ...args: ArgsOf<K>): string;
  /** The same as HTML: the message's own text and plain parameters escaped, RawHtml parameters kept. */
  html<K extends MessageKey>(key: K, params?: Record<string, string | number | RawHtml>): string;
  number(n: number): string;
  money(minor: number, currency: string): string;
  /** A date in the locale (`dateStyle` medium unless told otherwise), in `timeZone` when given. */
  date(d: Date, opts?: Intl.DateTimeFormatOptions): string;
};

const plurals = new Map<string, Intl.PluralRules>();
const numbers = new Map<string, Intl.NumberFormat>();

function pluralRules(locale: string): Intl.PluralRules {
  let rules = plurals.get(locale);
  if (!rules) plurals.set(locale, (rules = new Intl.PluralRules(locale)));
  return rules;
}

const dates = new Map<string, Intl.DateTimeFormat>();

/** Intl formatters are costly to make: one per locale and options, kept (a few dozen at most). */
function dateFormat(locale: string, opts: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale} ${JSON.stringify(opts)}`;
  let f = dates.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, opts);
    if (dates.size < 500) dates.set(key, f);
  }
  return f;
}

function numberFormat(locale: string): Intl.NumberFormat {
  let f = numbers.get(locale);
  if (!f) numbers.set(locale, (f = new Intl.NumberFormat(locale)));
  return f;
}

/** The form of a plural message for `count` in `lang`: the rule's category, or `other` when the message has no such form. */
export function pluralForm(lang: Language, message: Plural, count: number): string {
  const category = pluralRules(LOCALES[lang]).select(count) as keyof Plural;
  return message[category] ?? message.other;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

/** The raw message text of `key` in `lang` for these parameters (the plural form picked by `count`). */
export function messageText(lang: Language, key: MessageKey, params: Record<string, unknown> = {}): string {
  const message = CATALOGUES[lang][key] as string | Plural;
  if (typeof message === "string") return message;
  const count = params.count;
  if (typeof count !== "number") throw new Error(`message ${key} is a plural and needs a numeric count`);
  return pluralForm(lang, message, count);
}

function fill(text: string, params: Record<string, unknown>, value: (v: unknown) => string, literal: (s: string) => string): string {
  let out = "";
  let last = 0;
  for (const m of text.matchAll(/\{([a-zA-Z_]+)\}/g)) {
    out += literal(text.slice(last, m.index));
    const name = m[1]!;
    out += name in params ? value(params[name]) : literal(m[0]);
    last = m.index! + m[0].length;
  }
  return out + literal(text.slice(last));
}

export function translator(language: Language | string | null | undefined): Translator {
  const lang = asLanguage(language);
  const locale = LOCALES[lang];
  const number = (n: number) => numberFormat(locale).format(n);
  const plain = (v: unknown) => (typeof v === "number" ? number(v) : String(v));
  return {
    lang,
    locale,
    t(key, ...args) {
      const params = (args[0] ?? {}) as Record<string, unknown>;
      return fill(messageText(lang, key, params), params, plain, (s) => s);
    },
    html(key, params = {}) {
      const value = (v: unknown) => (typeof v === "object" && v !== null && "html" in v ? (v as RawHtml).html : escapeHtml(plain(v)));
      return fill(messageText(lang, key, params), params, value, escapeHtml);
    },
    number,
    money: (minor, currency) => formatMoney(minor, currency, locale),
    date: (d, opts = { dateStyle: "medium" }) => dateFormat(locale, opts).format(d),
  };
}

/** Every language's text of a message, for the places that carry all of them (Apple .lproj files, Google LocalizedString). */
export function inEveryLanguage<K extends MessageKey>(key: K, ...args: ArgsOf<K>): Record<Language, string> {
  return Object.fromEntries(LANGUAGES.map((l) => [l, translator(l).t(key, ...args)])) as Record<Language, string>;
}

export { placeholders };
