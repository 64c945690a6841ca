import { createHash } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { customers, locations, merchants, outboxEvents } from "@/db/schema";
import { enroll } from "@/lib/cards/enroll";
import { changeCardLanguage } from "@/lib/cards/language";
import { loadCardView } from "@/lib/cards/view";
import { LANGUAGES, type Language } from "@/lib/i18n";
import { newId } from "@/lib/ids";
import { earn } from "@/lib/ledger/earn";
import { passModel, renderPass } from "@/wallet/apple/pass";
import { parsePassStrings } from "@/wallet/apple/strings";
import { GoogleWalletClient } from "@/wallet/google/client";
import { googleSaveUrl } from "@/wallet/google/sync";
import { syncGoogleCard, type WalletDeps } from "@/wallet/sync";
import { makeMerchant, makeProgram, makeReward, type TestMerchant } from "../support/fixtures";
import { startGoogleFake } from "../support/google-fake";
import { readStoredZip, testAppleConfig, testGoogleConfig } from "../support/wallet-certs";

type Field = { key: string; label?: string; value: unknown; changeMessage?: string; attributedValue?: string };
type PassJson = { description: string; locations?: { relevantText?: string }[]; storeCard: Record<string, Field[] | undefined> };

let m: TestMerchant;
let seq = 0;
beforeAll(async () => {
  m = await makeMerchant();
  await m.db.insert(locations).values({ id: newId("loc"), merchantId: m.merchantId, name: "Main street", latitude: 52.5, longitude: 13.4 });
  // The back-of-pass links show too.
  await m.db.update(merchants).set({ websiteUrl: "https://bean.example", phone: "+34 600 000 000", termsUrl: "https://bean.example/terms" }).where(eq(merchants.id, m.merchantId));
});

async function cardIn(programId: string, language: Language) {
  return (await enroll(m.ctx, { programId, customer: { email: `i18n-${++seq}-${Date.now()}@example.test`, name: "Ada", language } })).card;
}

async function pointsProgram() {
  const program = await makeProgram(m, {
    name: "Bean Points",
    expiry: { kind: "rolling", days: 30 },
    tiers: { windowDays: 365, levels: [{ name: "Member", threshold: 0, multiplier: 1 }, { name: "Gold", threshold: 100, multiplier: 1 }] },
  });
  await makeReward(m, program.id, 50);
  await makeReward(m, program.id, 200);
  return program;
}

function unzipPass(body: Buffer) {
  const files = readStoredZip(body);
  const pass = JSON.parse(files["pass.json"]!.toString("utf8")) as PassJson;
  const manifest = JSON.parse(files["manifest.json"]!.toString("utf8")) as Record<string, string>;
  const strings = Object.fromEntries(
    LANGUAGES.map((l) => {
      const file = files[`${l}.lproj/pass.strings`];
      expect(file, `${l}.lproj/pass.strings`).toBeDefined();
      expect(manifest[`${l}.lproj/pass.strings`], `${l} in the manifest`).toBe(createHash("sha1").update(file!).digest("hex"));
      // UTF-16 little endian with its byte-order mark.
      expect([...file!.subarray(0, 2)]).toEqual([0xff, 0xfe]);
      return [l, parsePassStrings(file!)];
    }),
  ) as Record<Language, Map<string, string>>;
  return { pass, strings };
}

/** Every text of pass.json Wallet looks up in pass.strings: labels, change messages, text values, the description and relevant texts. */
function localizableTexts(pass: PassJson): { labels: string[]; texts: string[] } {
  const fields = Object.values(pass.storeCard).flatMap((f) => f ?? []);
  const labels = fields.map((f) => f.label).filter((l): l is string => typeof l === "string");
  const texts = [
    ...labels,
    ...fields.map((f) => f.changeMessage).filter((c): c is string => typeof c === "string"),
    ...fields.map((f) => f.attributedValue).filter((c): c is string => typeof c === "string"),
    pass.description,
    ...(pass.locations ?? []).map((l) => l.relevantText!),
  ];
  return { labels, texts };
}

describe("Apple pass localization", () => {
  it("has a parsable pass.strings in every language that covers every label of pass.json, with the pass itself in the holder's language", async () => {
    const program = await pointsProgram();
    const card = await cardIn(program.id, "es");
    await earn(m.ctx, { cardId: card.id, points: 60 });
    const view = (await loadCardView(m.db, { cardId: card.id }))!;
    expect(view.customer.language).toBe("es");
    const model = passModel(view, testAppleConfig(), { title: "Aviso del café", body: "Hoy cerramos a las 18:00" });
    const { pass, strings } = unzipPass(renderPass(view, testAppleConfig(), { model }).body);

    const field = (key: string) => Object.values(pass.storeCard).flatMap((f) => f ?? []).find((f) => f.key === key)!;
    // pass.json speaks the holder's language: what a phone without any of our languages shows.
    expect(field("balance").label).toBe("Puntos");
    expect(field("balance").changeMessage).toBe("Ahora tienes %@ puntos");
    expect(field("next").label).toBe("Próxima recompensa");
    expect(field("next").value).toBe("Reward 200 · faltan 140");
    expect(field("tier_next").label).toBe("Hasta Gold");
    expect(field("catalog").value).toBe("Reward 50: 50 puntos\nReward 200: 200 puntos");
    expect(pass.description).toBe("Tarjeta de fidelidad Bean Points");
    expect(field("expiring").label).toBe("A punto de caducar");
    expect(field("expiring").value).toMatch(/^60 puntos caducan el \d{1,2} de \S+ de \d{4}$/);
    expect(field("website").label).toBe("Sitio web");
    expect(field("terms").attributedValue).toBe('<a href="https://bean.example/terms">Lee las condiciones del programa</a>');
    expect(field("manage").label).toBe("Gestiona tu tarjeta");

    const { labels, texts } = localizableTexts(pass);
    expect(labels.length).toBeGreaterThan(8);
    for (const lang of LANGUAGES) for (const text of texts) expect(strings[lang].has(text), `${lang}.lproj lacks ${JSON.stringify(text)}`).toBe(true);
    // Each language's file says it in that language; the holder's own maps every key to itself.
    for (const [key, value] of strings.es) expect(value, key).toBe(key);
    expect(strings.en.get("Puntos")).toBe("Points");
    expect(strings.en.get("Ahora tienes %@ puntos")).toBe("You now have %@ points");
    expect(strings.de.get("Próxima recompensa")).toBe("Nächste Prämie");
    expect(strings.en.get(field("terms").attributedValue!)).toBe('<a href="https://bean.example/terms">Read the terms of the program</a>');
    expect(strings.fr.get("Sitio web")).toBe("Site web");
    expect(field("card_page").attributedValue).toMatch(/^<a href="[^"]+">Abrir tu tarjeta<\/a>$/);
    expect(strings.de.get(field("card_page").attributedValue!)).toMatch(/>Deine Karte öffnen<\/a>$/);
    expect(strings.fr.get("Reward 200 · faltan 140")).toBe("Reward 200 · encore 140");
    expect(strings.de.get("Reward 50: 50 puntos\nReward 200: 200 puntos")).toBe("Reward 50: 50 Punkte\nReward 200: 200 Punkte");
    expect(strings.fr.get(`${view.merchant.name} está cerca. Muestra tu tarjeta Bean Points.`)).toBe(`${view.merchant.name} est tout près. Présentez votre carte Bean Points.`);
    // A merchant's message reads the same in every language, but is covered too.
    expect(strings.de.get("Aviso del café")).toBe("Aviso del café");
  });

  it("covers the labels of stamp and cashback cards too, in every holder language", async () => {
    const stamps = await makeProgram(m, { kind: "stamps", name: "Coffee card", stampsRequired: 8 });
    const cashback = await makeProgram(m, { kind: "cashback", name: "Cash back", currency: "EUR" });
    for (const program of [stamps, cashback]) {
      for (const lang of LANGUAGES) {
        const card = await cardIn(program.id, lang);
        const view = (await loadCardView(m.db, { cardId: card.id }))!;
        const { pass, strings } = unzipPass(renderPass(view, testAppleConfig()).body);
        const { texts } = localizableTexts(pass);
        for (const l of LANGUAGES) for (const text of texts) expect(strings[l].has(text), `${program.kind}/${lang}: ${l}.lproj lacks ${JSON.stringify(text)}`).toBe(true);
        expect(strings[lang].get(texts[0]!)).toBe(texts[0]);
      }
    }
    const german = (await loadCardView(m.db, { cardId: (await cardIn(stamps.id, "de")).id }))!;
    const { pass, strings } = unzipPass(renderPass(german, testAppleConfig()).body);
    const next = Object.values(pass.storeCard).flatMap((f) => f ?? []).find((f) => f.key === "next")!;
    expect(next.value).toBe("eine volle Karte in 8 Stempeln");
    expect(strings.en.get("eine volle Karte in 8 Stempeln")).toBe("a full card in 8 stamps");
    expect(strings.en.get("STEMPEL")).toBe("STAMPS");
  });
});

describe("the holder's language", () => {
  it("changes from the card page: the customer's language moves, each open card records card.language_changed, and the pass follows", async () => {
    const program = await pointsProgram();
    const card = await cardIn(program.id, "es");
    const events = () =>
      m.db.select().from(outboxEvents).where(and(eq(outboxEvents.merchantId, m.merchantId), eq(outboxEvents.type, "card.language_changed")));
    const before = (await events()).length;

    expect(await changeCardLanguage(m.db, { token: card.publicToken, language: "de" })).toEqual({ merchantId: m.merchantId, changed: true });
    const [row] = await m.db.select({ language: customers.language }).from(customers).where(eq(customers.id, card.customerId));
    expect(row!.language).toBe("de");
    const recorded = (await events()).slice(before);
    expect(recorded.map((e) => e.payload)).toEqual([{ cardId: card.id, programId: program.id, language: "de" }]);

    const view = (await loadCardView(m.db, { cardId: card.id }))!;
    const { pass } = unzipPass(renderPass(view, testAppleConfig()).body);
    expect(Object.values(pass.storeCard).flatMap((f) => f ?? []).find((f) => f.key === "balance")!.label).toBe("Punkte");

    // The same language again changes nothing and records nothing.
    expect(await changeCardLanguage(m.db, { token: card.publicToken, language: "de" })).toMatchObject({ changed: false });
    expect((await events()).length).toBe(before + 1);
  });

  it("refuses a language it does not speak and a token of no card", async () => {
    const program = await pointsProgram();
    const card = await cardIn(program.id, "en");
    await expect(changeCardLanguage(m.db, { token: card.publicToken, language: "it" as Language })).rejects.toThrow();
    await expect(changeCardLanguage(m.db, { token: "x".repeat(32), language: "fr" })).rejects.toMatchObject({ code: "not_found" });
    await expect(enroll(m.ctx, { programId: program.id, customer: { email: "klingon@example.test", language: "tlh" as Language } })).rejects.toThrow();
  });
});

describe("Google object localization", () => {
  let google: Awaited<ReturnType<typeof startGoogleFake>>;
  let deps: WalletDeps;
  beforeAll(async () => {
    google = await startGoogleFake();
    const gw = new GoogleWalletClient(testGoogleConfig(google.baseUrl), { credentials: { access_token: google.token, expiry_date: Date.now() + 3600_000 } });
    deps = { apple: null, google: gw };
  });
  afterAll(() => google.close());
  beforeEach(() => google.reset());

  type Translated = { language: string; value: string };
  type LocalizedString = { defaultValue: Translated; translatedValues: Translated[] };
  const all = (s: LocalizedString) => Object.fromEntries([s.defaultValue, ...s.translatedValues].map((t) => [t.language, t.value]));

  it("sends labels, text modules and links as LocalizedStrings: default in the holder's language, the others translated; a language change PATCHes them", async () => {
    const program = await pointsProgram();
    const card = await cardIn(program.id, "fr");
    await earn(m.ctx, { cardId: card.id, points: 60 });
    await googleSaveUrl(m.db, deps.google!, (await loadCardView(m.db, { cardId: card.id }))!);

    type Obj = {
      loyaltyPoints: { label: string; localizedLabel: LocalizedString };
      textModulesData: { id: string; header: string; body: string; localizedHeader: LocalizedString; localizedBody: LocalizedString }[];
      linksModuleData: { uris: { id: string; description: string; localizedDescription: LocalizedString }[] };
    };
    const stored = () => google.objects.get(deps.google!.objectId(card.id)) as unknown as Obj;
    let obj = stored();
    expect(obj.loyaltyPoints.label).toBe("Points");
    expect(obj.loyaltyPoints.localizedLabel.defaultValue).toEqual({ language: "fr", value: "Points" });
    expect(all(obj.loyaltyPoints.localizedLabel)).toEqual({ fr: "Points", en: "Points", es: "Puntos", de: "Punkte" });
    const next = obj.textModulesData.find((t) => t.id === "next")!;
    expect(next.header).toBe("Prochaine récompense");
    expect(all(next.localizedBody)).toEqual({ fr: "Reward 200 : encore 140", en: "Reward 200: 140 to go", es: "Reward 200: faltan 140", de: "Reward 200: noch 140" });
    expect(next.localizedBody.translatedValues.map((t) => t.language).sort()).toEqual(["de", "en", "es"]);
    expect(all(obj.textModulesData.find((t) => t.id === "tier")!.localizedHeader)).toEqual({ fr: "Niveau", en: "Tier", es: "Nivel", de: "Stufe" });
    expect(obj.linksModuleData.uris[0]!.description).toBe("Votre carte et vos récompenses");
    expect(all(obj.linksModuleData.uris.find((u) => u.id === "terms")!.localizedDescription)).toEqual({
      fr: "Conditions du programme",
      en: "Terms of the program",
      es: "Condiciones del programa",
      de: "Teilnahmebedingungen",
    });
    expect(all(obj.textModulesData.find((t) => t.id === "expiring")!.localizedHeader)).toEqual({ fr: "Points bientôt expirés", en: "Expiring points", es: "Puntos a punto de caducar", de: "Bald verfallende Punkte" });

    const cls = google.classes.get(deps.google!.classId(program.id)) as unknown as { localizedAccountNameLabel: LocalizedString };
    expect(all(cls.localizedAccountNameLabel)).toEqual({ en: "Member", es: "Socio", fr: "Membre", de: "Mitglied" });

    // The holder switches to German: the next sync PATCHes the object with German defaults.
    await changeCardLanguage(m.db, { token: card.publicToken, language: "de" });
    google.reset();
    const outcome = await syncGoogleCard(m.db, deps, card.id);
    expect(outcome!.patched).toBe(true);
    expect(google.requests.filter((r) => r.method === "PATCH")).toHaveLength(1);
    obj = stored();
    expect(obj.loyaltyPoints.localizedLabel.defaultValue).toEqual({ language: "de", value: "Punkte" });
    expect(obj.textModulesData.find((t) => t.id === "next")!.body).toBe("Reward 200: noch 140");
  });

  it("writes milestone messages in the holder's language", async () => {
    const program = await makeProgram(m, { name: "Milestones" });
    await makeReward(m, program.id, 10);
    const card = await cardIn(program.id, "es");
    await googleSaveUrl(m.db, deps.google!, (await loadCardView(m.db, { cardId: card.id }))!);
    await earn(m.ctx, { cardId: card.id, points: 10 });
    google.reset();
    await syncGoogleCard(m.db, deps, card.id);
    const added = google.requests.filter((r) => r.path.endsWith("/addMessage"));
    expect(added[0]!.body).toMatchObject({ message: { header: "Recompensa desbloqueada", body: "Tienes puntos suficientes para Reward 10. Canjéala desde tu tarjeta." } });
  });
});
