import { and, eq, ne } from "drizzle-orm";
import { z } from "zod";
import { cards, customers, type Customer } from "../../db/schema";
import { audit } from "../audit/log";
import { assertCan } from "../auth/permissions";
import { CustomerInput } from "../cards/enroll";
import { now, withTransaction, type Ctx } from "../context";
import { AppError, notFound } from "../errors";
import { EntityId } from "../ids";
import { recordEvents } from "../outbox";
import { loadCustomer } from "./gdpr";

const fields = CustomerInput.shape;

/** What an integrator may change about a customer; `null` clears name, phone or birthday. */
export const UpdateCustomerInput = z
  .object({
    email: fields.email.optional(),
    name: fields.name.unwrap().nullable().optional(),
    phone: fields.phone.unwrap().nullable().optional(),
    birthday: fields.birthday.unwrap().nullable().optional(),
    language: fields.language.unwrap().optional(),
    marketingConsent: z.boolean().optional().describe("The customer agreed to (true) or withdrew from (false) marketing email"),
  })
  .strict()
  .refine((v) => Object.keys(v).length > 0, "Give at least one field to change.");

/** A customer of this business, as a card's reader sees its holder (GET /cards?email= finds them too); not found for another business's. */
export async function getCustomer(ctx: Ctx, customerId: string): Promise<Customer> {
  assertCan(ctx.actor, "cards:read");
  return loadCustomer(ctx, customerId);
}

/**
 * Changes a customer's details from a POS or shop. The passes show the name and speak the language,
 * so each open card records `card.details_changed` or `card.language_changed` and the wallet sync
 * re-renders both passes. An email another customer of the business has is a conflict; an erased
 * customer cannot be changed. The audit entry names the fields, not their values.
 */
export async function updateCustomer(ctx: Ctx, raw: z.input<typeof UpdateCustomerInput> & { customerId: string }): Promise<Customer> {
  assertCan(ctx.actor, "customers:write");
  const { customerId, ...input } = UpdateCustomerInput.safeExtend({ customerId: EntityId }).parse(raw);
  return withTransaction(ctx, async (tx) => {
    const [before] = await tx.db
      .select()
      .from(customers)
      .where(and(eq(customers.id, customerId), eq(customers.merchantId, ctx.merchantId)))
      .for("update");
    if (!before) throw notFound("Customer");
    if (before.erasedAt) throw new AppError("conflict", "This customer's data was erased.");
    if (input.email && input.email !== before.email) {
      const [taken] = await tx.db
        .select({ id: customers.id })
        .from(customers)
        .where(and(eq(customers.merchantId, ctx.merchantId), eq(customers.email, input.email), ne(customers.id, before.id)));
      if (taken) throw new AppError("conflict", "Another customer of this business has that email address.");
    }
    const at = now(ctx);
    const { marketingConsent, ...details } = input;
    const consent = marketingConsent === undefined ? {} : { marketingConsentAt: marketingConsent ? (before.marketingConsentAt ?? at) : null };
    const [after] = await tx.db
      .update(customers)
      .set({ ...details, ...consent, updatedAt: at })
      .where(eq(customers.id, before.id))
      .returning();
    const changed = (Object.keys(input) as (keyof typeof input)[]).filter((k) =>
      k === "marketingConsent" ? Boolean(before.marketingConsentAt) !== input.marketingConsent : before[k] !== after![k],
    );
    if (changed.includes("name") || changed.includes("language")) {
      const open = await tx.db
        .select({ id: cards.id, programId: cards.programId })
        .from(cards)
        .where(and(eq(cards.customerId, before.id), eq(cards.status, "active")));
      await recordEvents(tx.db, ctx.merchantId, [
        ...(changed.includes("name") ? open.map((c) => ({ type: "card.details_changed" as const, payload: { cardId: c.id, programId: c.programId } })) : []),
        ...(changed.includes("language") ? open.map((c) => ({ type: "card.language_changed" as const, payload: { cardId: c.id, programId: c.programId, language: after!.language } })) : []),
      ]);
    }
    if (changed.length) await audit(tx.db, ctx.merchantId, ctx.actor, "customer.updated", { type: "customer", id: before.id }, { fields: changed });
    return after!;
  });
}
