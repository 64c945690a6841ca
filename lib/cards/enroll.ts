import { and, eq } from "drizzle-orm";
import { z } from "zod";
import { cards, customers, type Card, type Customer } from "../../db/schema";
import { assertCan } from "../auth/permissions";
import { now, withTransaction, type Ctx } from "../context";
import { AppError } from "../errors";
import { EntityId, humanCode, newId, randomString } from "../ids";
import { recordEvents } from "../outbox";
import { getProgram } from "../programs/verbs";
import { Language } from "../i18n/languages";
import { SafeText } from "../input";
import { recordReferral } from "../lifecycle/referral";
import { grantWelcomeBonus } from "../lifecycle/welcome";

export const CustomerInput = z
  .object({
    email: z.email().max(254).toLowerCase(),
    name: SafeText.trim().min(1).max(120).optional(),
    phone: z
      .string()
      .trim()
      .regex(/^\+?[0-9 ()-]{6,20}$/, "a phone number")
      .optional(),
    birthday: z.iso.date().optional().describe("YYYY-MM-DD"),
    language: Language.optional().describe("what the customer reads the card page, emails and passes in (en, es, fr, de); English by default"),
  })
  .strict();

export const EnrollInput = z
  .object({
    programId: EntityId,
    customer: CustomerInput,
    marketingConsent: z.boolean().optional(),
    referralCode: SafeText.max(40).optional().describe("The referral code of the member who invited this customer; an unknown code is ignored."),
  })
  .strict();
export type EnrollInput = z.input<typeof EnrollInput>;

/**
 * Where a self-service join came from: the address (lib/http/client-ip.ts, an IPv6 /64) the public
 * join page saw, kept on the card for the sign-up burst rule (lib/fraud/rules.ts). Not an input a
 * caller types, so not part of EnrollInput.
 */
export type EnrollOrigin = { joinIp?: string | null };

/**
 * Gives a customer a card in a program. Idempotent per (program, email): a second call returns
 * the existing card with `created: false`, even when two calls race.
 */
export async function enroll(ctx: Ctx, raw: EnrollInput, origin: EnrollOrigin = {}): Promise<{ card: Card; customer: Customer; created: boolean }> {
  assertCan(ctx.actor, "cards:enroll");
  const input = EnrollInput.parse(raw);
  return withTransaction(ctx, async (tx) => {
    const program = await getProgram({ ...tx, actor: { type: "system", id: "enroll" } }, input.programId);
    if (program.status !== "active") throw new AppError("inactive", `The program is ${program.status}; it takes no new members.`);
    const at = now(ctx);
    const { email, ...details } = input.customer;

    await tx.db
      .insert(customers)
      .values({ id: newId("cus"), merchantId: ctx.merchantId, email, ...details, marketingConsentAt: input.marketingConsent ? at : null, createdAt: at, updatedAt: at })
      .onConflictDoNothing();
    const [customer] = await tx.db
      .select()
      .from(customers)
      .where(and(eq(customers.merchantId, ctx.merchantId), eq(customers.email, email)));
    if (customer!.erasedAt) throw new AppError("conflict", "This customer's data was erased.");

    const referrer = input.referralCode ? await findReferrer(tx, program.id, input.referralCode) : null;
    const [inserted] = await tx.db
      .insert(cards)
      .values({
        id: newId("crd"),
        merchantId: ctx.merchantId,
        programId: program.id,
        customerId: customer!.id,
        tier: program.tiers?.levels.find((l) => l.threshold === 0)?.name ?? null,
        publicToken: randomString(32),
        walletAuthToken: randomString(32),
        referralCode: humanCode(2, 4),
        joinIp: origin.joinIp ?? null,
        lastActivityAt: at,
        createdAt: at,
        updatedAt: at,
      })
      .onConflictDoNothing({ target: [cards.programId, cards.customerId] })
      .returning();
    if (inserted) {
      await recordEvents(tx.db, ctx.merchantId, [
        { type: "card.enrolled", payload: { cardId: inserted.id, programId: program.id, customerId: customer!.id } },
      ]);
      // An unknown code is ignored: the customer still joins. A self-referral is recorded as refused.
      let card = referrer ? await recordReferral(tx, inserted, customer!, referrer) : inserted;
      card = await grantWelcomeBonus(tx, card, program);
      return { card, customer: customer!, created: true };
    }
    const [existing] = await tx.db
      .select()
      .from(cards)
      .where(and(eq(cards.programId, program.id), eq(cards.customerId, customer!.id)));
    return { card: existing!, customer: customer!, created: false };
  });
}

async function findReferrer(ctx: Ctx, programId: string, code: string): Promise<Card | null> {
  const [card] = await ctx.db
    .select()
    .from(cards)
    .where(and(eq(cards.programId, programId), eq(cards.referralCode, code.trim().toUpperCase()), eq(cards.merchantId, ctx.merchantId), eq(cards.status, "active")));
  return card ?? null;
}

