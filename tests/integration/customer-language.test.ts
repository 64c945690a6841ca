import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { POST } from "@/app/(public)/c/[token]/language/route";
import { cards, customers, emails, expiryReminders, outboxEvents } from "@/db/schema";
import { joinFromPublicPage } from "@/lib/cards/join";
import { expiryReminderEmail } from "@/lib/email/templates/expiry-reminder";
import { campaignEmail } from "@/lib/email/templates/campaign";
import { sendExpiryReminders } from "@/lib/expiry/reminders";
import { earn } from "@/lib/ledger/earn";
import { makeMerchant, makeProgram } from "../support/fixtures";

const join = (programId: string, email: string, language?: "en" | "es" | "fr" | "de") => ({ programId, name: "Ada", email, consent: true as const, ...(language ? { language } : {}) });

function post(token: string, body: string | null) {
  return POST(
    new Request(`http://localhost:3000/c/${token}/language`, {
      method: "POST",
      ...(body === null ? {} : { body, headers: { "content-type": "application/x-www-form-urlencoded" } }),
    }),
    { params: Promise.resolve({ token }) },
  );
}

describe("the customer's language", () => {
  it("is the one chosen at join (English when none), and a known member's card link email goes out in their language, not the typist's", async () => {
    const m = await makeMerchant();
    const program = await makeProgram(m, { name: "Café Club" });
    const email = `lang-${m.merchantId}@example.test`.toLowerCase();
    const first = await joinFromPublicPage(m.db, join(program.id, email, "fr"));
    if (!first.created) throw new Error("expected a new card");
    const language = async (customerId: string) => (await m.db.select({ l: customers.language }).from(customers).where(eq(customers.id, customerId)))[0]!.l;
    expect(await language(first.card.customerId)).toBe("fr");

    // Someone types the same address on a German page: the email is French, and the language stays.
    await joinFromPublicPage(m.db, join(program.id, email, "de"));
    const [sent] = await m.db.select().from(emails).where(eq(emails.to, email));
    expect(sent).toMatchObject({ kind: "card_link", subject: "Votre carte Café Club" });
    expect(sent!.html).toContain('<html lang="fr">');
    expect(sent!.html).toContain("Voici votre carte <strong>Café Club</strong> chez");
    expect(sent!.text).toContain("Ajoutez-la à Apple Wallet ou Google Wallet depuis cette page.");
    expect(await language(first.card.customerId)).toBe("fr");

    const plain = await joinFromPublicPage(m.db, join(program.id, `plain-${email}`));
    if (!plain.created) throw new Error("expected a new card");
    expect(await language(plain.card.customerId)).toBe("en");
    await expect(joinFromPublicPage(m.db, { ...join(program.id, `it-${email}`), language: "it" as "en" })).rejects.toThrow();
  });

  it("changes through the card page's form: 303 back to the card, 422 for a language we do not speak, 404 for no card", async () => {
    const m = await makeMerchant();
    const program = await makeProgram(m);
    const joined = await joinFromPublicPage(m.db, join(program.id, `form-${m.merchantId}@example.test`.toLowerCase(), "es"));
    if (!joined.created) throw new Error("expected a new card");
    const token = joined.card.publicToken;

    const ok = await post(token, "language=de");
    expect(ok.status).toBe(303);
    expect(ok.headers.get("location")).toBe(`/c/${token}`);
    const [row] = await m.db.select({ language: customers.language }).from(customers).where(eq(customers.id, joined.card.customerId));
    expect(row!.language).toBe("de");
    const events = await m.db.select().from(outboxEvents).where(and(eq(outboxEvents.merchantId, m.merchantId), eq(outboxEvents.type, "card.language_changed")));
    expect(events).toHaveLength(1);

    const bad = await post(token, "language=tlh");
    expect(bad.status).toBe(422);
    expect(bad.headers.get("content-type")).toBe("application/problem+json");
    expect((await post(token, null)).status).toBe(422);
    expect((await post("x".repeat(32), "language=fr")).status).toBe(404);
    expect((await post("../../etc", "language=fr")).status).toBe(404);
  });

  it("writes the expiry reminder (email and wallet message) in the holder's language", async () => {
    const m = await makeMerchant();
    const program = await makeProgram(m, { name: "Punkte", expiry: { kind: "rolling", days: 10 }, reminderDays: [7] });
    const joined = await joinFromPublicPage(m.db, join(program.id, `rem-${m.merchantId}@example.test`.toLowerCase(), "de"));
    if (!joined.created) throw new Error("expected a new card");
    // The reminder pass looks at every business: run it in a year no other card of this file lapses in.
    const earned = Date.parse("2133-03-01T12:00:00Z");
    await earn({ ...m.ctx, now: () => new Date(earned) }, { cardId: joined.card.id, points: 1250 });
    await sendExpiryReminders(m.db, new Date(earned + 4 * 86_400_000));
    const [reminder] = await m.db.select().from(expiryReminders).where(eq(expiryReminders.cardId, joined.card.id));
    expect(reminder).toBeDefined();
    const [message] = await m.db
      .select()
      .from(outboxEvents)
      .where(and(eq(outboxEvents.merchantId, m.merchantId), eq(outboxEvents.type, "wallet.message_requested")));
    expect(message!.payload).toMatchObject({ title: "Punkte verfallen bald", body: expect.stringMatching(/^1\.250 verfallen am \d{1,2}\.\d{2}\.\d{4}$/) });
    const [mail] = await m.db.select().from(emails).where(and(eq(emails.merchantId, m.merchantId), eq(emails.kind, "expiry_reminder")));
    expect(mail!.subject).toMatch(/^1\.250 Punkte verfallen am \d{1,2}\. \S+ \d{4}$/);
    expect(mail!.html).toContain('<html lang="de">');
    expect(mail!.text).toContain("Hallo Ada,");
    const [card] = await m.db.select().from(cards).where(eq(cards.id, joined.card.id));
    expect(mail!.text).toContain(`Deine Karte: `);
    expect(mail!.text).toContain(card!.publicToken);
  });
});

describe("customer email templates", () => {
  const base = { merchantName: "Chez Léa", brandColor: "#112233", programName: "Club", customerName: "Ana", balance: 40, expiresAt: new Date("2027-03-05T12:00:00Z"), timezone: "UTC", cardUrl: "https://cards.example/c/abc" };
  it("use the plural rules and formats of each language", () => {
    expect(expiryReminderEmail({ ...base, amount: 1, unit: "points", affordable: [], nextReward: null, language: "en" }).subject).toBe("1 point expires on March 5, 2027");
    expect(expiryReminderEmail({ ...base, amount: 0, unit: "points", affordable: [], nextReward: null, language: "fr" }).subject).toBe("0 point expire le 5 mars 2027");
    expect(expiryReminderEmail({ ...base, amount: 1500, unit: "stamps", affordable: [], nextReward: null, language: "es" }).subject).toBe("1500 sellos caducan el 5 de marzo de 2027");
    const es = expiryReminderEmail({ ...base, amount: 20, unit: "points", affordable: [], nextReward: { name: "Café", cost: 100 }, language: "es" });
    expect(es.text).toContain("Te faltan 60 puntos para Café.");
    expect(es.html).toContain('<html lang="es">');
    expect(es.html).toContain("Recibes este correo porque tienes una tarjeta de fidelidad de Chez Léa.");
    const de = campaignEmail({ merchantName: "Café", brandColor: "#000000", subject: "Neu", message: "Hallo", offer: "x", customerName: "Jo", cardUrl: "https://c.example/c/1", language: "de", unsubscribeUrl: "https://c.example/email/unsubscribe/t" });
    expect(de.text).toBe("Hallo Jo,\n\nHallo\n\nx\n\nDeine Karte: https://c.example/c/1\n\nAngebote abbestellen: https://c.example/email/unsubscribe/t");
    expect(de.html).toContain(">Meine Karte öffnen</a>");
    expect(de.html).toContain('<a href="https://c.example/email/unsubscribe/t" style="color:#4b5563;text-decoration:underline">Angebote abbestellen</a>');
  });
});
