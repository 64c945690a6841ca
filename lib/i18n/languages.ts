import { z } from "zod";

/** The languages a customer can read Keepcard in: the card page, the join page, the emails and both wallet passes. */
export const LANGUAGES = ["en", "es", "fr", "de"] as const;
export type Language = (typeof LANGUAGES)[number];
export const Language = z.enum(LANGUAGES);
export const DEFAULT_LANGUAGE: Language = "en";

/** Each language's name in itself, for the language select. */
export const LANGUAGE_NAMES: Readonly<Record<Language, string>> = { en: "English", es: "Español", fr: "Français", de: "Deutsch" };

/** The locale numbers, dates and money are formatted in (BCP 47, as Intl takes it). */
export const LOCALES: Readonly<Record<Language, string>> = { en: "en-US", es: "es-ES", fr: "fr-FR", de: "de-DE" };

export function isLanguage(value: unknown): value is Language {
  return typeof value === "string" && (LANGUAGES as readonly string[]).includes(value);
}

/** A stored or typed value as a language: anything unknown reads as English. */
export function asLanguage(value: unknown): Language {
  const base = typeof value === "string" ? value.trim().toLowerCase().split(/[-_]/)[0] : undefined;
  return isLanguage(base) ? base : DEFAULT_LANGUAGE;
}

/**
 * The best of our languages for an Accept-Language header ("es-MX,es;q=0.9,en;q=0.8"): the
 * supported language with the highest q (earlier wins a tie), English when none matches.
 */
export function negotiateLanguage(acceptLanguage: string | null | undefined): Language {
  if (!acceptLanguage) return DEFAULT_LANGUAGE;
  let best: { lang: Language; q: number } | null = null;
  for (const part of acceptLanguage.slice(0, 500).split(",")) {
    const [tag = "", ...params] = part.trim().split(";");
    const base = tag.trim().toLowerCase().split("-")[0];
    if (!isLanguage(base)) continue;
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (!Number.isFinite(q) || q <= 0) continue;
    if (!best || q > best.q) best = { lang: base, q };
  }
  return best?.lang ?? DEFAULT_LANGUAGE;
}
