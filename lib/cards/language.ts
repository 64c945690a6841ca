import { and, eq, isNull } from "drizzle-orm";
import { z } from "zod";
import type { Executor } from "../../db/client";
import { cards, customers } from "../../db/schema";
import { systemActor, withTransaction } from "../context";
import { AppError } from "../errors";
import { Language } from "../i18n/languages";
import { recordEvents } from "../outbox";

/** What the card page's language form sends: the card's public token is the holder's proof. */
export const CardLanguageInput = z.object({ token: z.string().regex(/^[A-Za-z0-9]{16,64}$/, "a card token"), language: Language }).strict();
export type CardLanguageInput = z.input<typeof CardLanguageInput>;

/**
 * The card's holder picks the language they read Keepcard in. It is the customer's (every card
 * of theirs at this merchant, and the emails, follow it); each of their open cards records
 * `card.language_changed`, so the wallet sync re-renders the Apple pass and PATCHes the Google
 * object. Choosing the language already set changes nothing and records nothing.
 */
export async function changeCardLanguage(db: Executor, raw: CardLanguageInput): Promise<{ merchantId: string; changed: boolean }> {
  const input = CardLanguageInput.parse(raw);
  const [found] = await db
    .select({ merchantId: cards.merchantId, customerId: cards.customerId, status: cards.status })
    .from(cards)
    .innerJoin(customers, eq(customers.id, cards.customerId))
    .where(and(eq(cards.publicToken, input.token), isNull(customers.erasedAt)));
  if (!found || found.status !== "active") throw new AppError("not_found", "This card no longer exists.");
  const ctx = { db, merchantId: found.merchantId, actor: systemActor("card_page"), source: "card_page" };
  return withTransaction(ctx, async (tx) => {
    const [customer] = await tx.db
      .select({ language: customers.language })
      .from(customers)
      .where(and(eq(customers.id, found.customerId), eq(customers.merchantId, found.merchantId), isNull(customers.erasedAt)))
      .for("update");
    if (!customer) throw new AppError("not_found", "This card no longer exists.");
    if (customer.language === input.language) return { merchantId: found.merchantId, changed: false };
    await tx.db.update(customers).set({ language: input.language, updatedAt: new Date() }).where(eq(customers.id, found.customerId));
    const open = await tx.db
      .select({ id: cards.id, programId: cards.programId })
      .from(cards)
      .where(and(eq(cards.customerId, found.customerId), eq(cards.status, "active")));
    await recordEvents(
      tx.db,
      found.merchantId,
      open.map((c) => ({ type: "card.language_changed" as const, payload: { cardId: c.id, programId: c.programId, language: input.language } })),
    );
    return { merchantId: found.merchantId, changed: true };
  });
}

/** The language of a card's holder, by the card's public token; English for a token of no card. */
export async function languageOfCard(db: Executor, token: string): Promise<Language> {
  const [row] = await db.select({ language: customers.language }).from(cards).innerJoin(customers, eq(customers.id, cards.customerId)).where(eq(cards.publicToken, token));
  return row?.language ?? "en";
}
