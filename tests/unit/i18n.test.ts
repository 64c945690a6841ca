import { describe, expect, it } from "vitest";
import { CATALOGUES, LANGUAGES, negotiateLanguage, placeholders, pluralForm, translator, type Catalogue, type Plural } from "@/lib/i18n";
import { en } from "@/lib/i18n/messages/en";

const forms = (m: string | Plural): [string, string][] => (typeof m === "string" ? [["text", m]] : Object.entries(m));
const sorted = (a: Iterable<string>) => [...new Set(a)].sort();

describe("i18n catalogue", () => {
  it("has every English key in every language, with the same kind (text or plural), and nothing else", () => {
    const keys = Object.keys(en).sort();
    for (const lang of LANGUAGES) {
      const catalogue = CATALOGUES[lang];
      expect(Object.keys(catalogue).sort(), lang).toEqual(keys);
      for (const key of keys) {
        const mine = catalogue[key as keyof Catalogue] as string | Plural;
        const reference = en[key as keyof typeof en] as string | Plural;
        expect(typeof mine, `${lang} ${key}`).toBe(typeof reference);
        for (const [form, text] of forms(mine)) expect(text.trim(), `${lang} ${key} ${form}`).not.toBe("");
      }
    }
  });

  it("uses the same parameters as English in every form, and keeps Apple's %@ where English has it", () => {
    for (const lang of LANGUAGES) {
      for (const [key, reference] of Object.entries(en)) {
        const expected = sorted(forms(reference).flatMap(([, text]) => placeholders(text)));
        for (const [form, text] of forms(CATALOGUES[lang][key as keyof Catalogue])) {
          expect(sorted(placeholders(text)), `${lang} ${key} ${form}`).toEqual(expected);
          expect(text.includes("%@"), `${lang} ${key} ${form}`).toBe(forms(reference)[0]![1].includes("%@"));
        }
      }
    }
  });

  it("gives each plural the forms its language's plural rules use: one and other always, nothing the rules do not know", () => {
    for (const lang of LANGUAGES) {
      const categories = new Intl.PluralRules(lang).resolvedOptions().pluralCategories as string[];
      for (const [key, message] of Object.entries(CATALOGUES[lang])) {
        if (typeof message === "string") continue;
        const given = Object.keys(message);
        expect(given, `${lang} ${key}`).toContain("one");
        expect(given, `${lang} ${key}`).toContain("other");
        for (const form of given) expect(categories, `${lang} ${key}: ${form}`).toContain(form);
      }
    }
  });

  it("picks the plural form with Intl.PluralRules: French 0 is singular, English 0 is plural, Spanish millions take 'de'", () => {
    expect(translator("en").t("unit.points", { count: 0 })).toBe("0 points");
    expect(translator("en").t("unit.points", { count: 1 })).toBe("1 point");
    expect(translator("fr").t("unit.points", { count: 0 })).toBe("0 point");
    expect(translator("fr").t("unit.points", { count: 2 })).toBe("2 points");
    expect(translator("de").t("unit.points", { count: 1 })).toBe("1 Punkt");
    expect(translator("de").t("unit.points", { count: 1250 })).toBe("1.250 Punkte");
    expect(translator("es").t("unit.points", { count: 1_000_000 })).toBe("1.000.000 de puntos");
    expect(translator("es").t("unit.stamps", { count: 3 })).toBe("3 sellos");
    expect(pluralForm("fr", { one: "a", other: "b" }, 1_000_000)).toBe("b");
  });

  it("fills parameters and formats numbers, money and dates in the language's locale", () => {
    expect(translator("es").t("join.title", { program: "Café Club" })).toBe("Únete a Café Club");
    expect(translator("fr").t("card.tier_next", { count: 1500, tier: "Or" })).toBe("Encore 1\u202f500 pour atteindre Or");
    expect(translator("de").money(1250, "EUR")).toBe("12,50\u00a0€");
    expect(translator("en").money(125000, "JPY")).toBe("¥125,000");
    expect(translator("fr").money(1250, "EUR")).toBe("12,50\u00a0€");
    const day = new Date("2027-03-05T12:00:00Z");
    expect(translator("de").date(day, { dateStyle: "long", timeZone: "UTC" })).toBe("5. März 2027");
    expect(translator("es").date(day, { dateStyle: "long", timeZone: "UTC" })).toBe("5 de marzo de 2027");
  });

  it("escapes the message and plain parameters for HTML, and keeps raw HTML parameters", () => {
    const tr = translator("fr");
    expect(tr.html("email.card_link.intro", { program: "<b>Club</b>", merchant: { html: "<strong>Chez Léa</strong>" } })).toBe(
      "Voici votre carte &lt;b&gt;Club&lt;/b&gt; chez <strong>Chez Léa</strong>.",
    );
    expect(tr.html("card.apple.missing")).toBe("Apple Wallet n&#39;est pas encore configuré pour ce commerce.");
  });

  it("reads the language from Accept-Language, English when nothing matches", () => {
    expect(negotiateLanguage("es-MX,es;q=0.9,en;q=0.8")).toBe("es");
    expect(negotiateLanguage("it-IT,it;q=0.9,de;q=0.7,fr;q=0.8")).toBe("fr");
    expect(negotiateLanguage("de-AT")).toBe("de");
    expect(negotiateLanguage("ja, zh;q=0.5")).toBe("en");
    expect(negotiateLanguage("fr;q=0, de;q=0.1")).toBe("de");
    expect(negotiateLanguage("")).toBe("en");
    expect(negotiateLanguage(null)).toBe("en");
    expect(translator("pt").lang).toBe("en");
    expect(translator("de-CH").lang).toBe("de");
  });
});

// A catalogue that misses a key, or gives a text where English has a plural, does not compile.
// @ts-expect-error "card.language" is missing
export const missingKey: Catalogue = { ...CATALOGUES.en, "card.language": undefined };
// @ts-expect-error a plural given as a text
export const wrongKind: Catalogue = { ...CATALOGUES.en, "unit.points": "points" };
export function typeChecks() {
  // @ts-expect-error a parameter the message does not take
  translator("en").t("join.title", { programme: "x" });
  // @ts-expect-error a plural without its count
  translator("en").t("unit.points", {});
}
