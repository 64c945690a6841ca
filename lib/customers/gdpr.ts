import { and, asc, eq, inArray } from "drizzle-orm";
import { z } from "zod";
import { cards, customers, goalParticipants, goals, ledgerEntries, payoutAccounts, programs, vouchers, type Customer } from "../../db/schema";
import { audit } from "../audit/log";
import { assertCan } from "../auth/permissions";
import { now, withTransaction, type Ctx } from "../context";
import { AppError, notFound } from "../errors";
import { EntityId } from "../ids";
import { recordEvents } from "../outbox";

export const CustomerRef = z.object({ customerId: EntityId }).strict();

/** A customer of the context's business (a customer actor only themselves); not found otherwise. */
export async function loadCustomer(ctx: Ctx, customerId: string): Promise<Customer> {
  const [customer] = await ctx.db
    .select()
    .from(customers)
    .where(and(eq(customers.id, customerId), eq(customers.merchantId, ctx.merchantId)));
  // A customer acts on their own data only; anything else looks like it does not exist.
  if (!customer || (ctx.actor.type === "customer" && ctx.actor.id !== customer.id)) throw notFound("Customer");
  return customer;
}

export type CustomerExport = {
  exportedAt: string;
  customer: Omit<Customer, "merchantId">;
  cards: Array<{ id: string; program: string; balance: number; lifetimeEarned: number; tier: string | null; status: string; createdAt: Date; entries: Array<{ at: Date; kind: string; amount: number; balanceAfter: number; reference: string | null }>; vouchers: Array<{ title: string; code: string; status: string; expiresAt: Date; redeemedAt: Date | null }>; goals: Array<{ goal: string; contribution: number; joinedAt: Date; rewardedAt: Date | null }> }>;
};

/** Everything Keepcard holds about one customer, as plain JSON (GDPR art. 15 / 20). */
export async function exportCustomer(ctx: Ctx, raw: z.input<typeof CustomerRef>): Promise<CustomerExport> {
  assertCan(ctx.actor, "customers:export");
  const { customerId } = CustomerRef.parse(raw);
  const customer = await loadCustomer(ctx, customerId);
  const rows = await ctx.db
    .select({ card: cards, program: programs.name })
    .from(cards)
    .innerJoin(programs, eq(programs.id, cards.programId))
    .where(and(eq(cards.customerId, customer.id), eq(cards.merchantId, ctx.merchantId)))
    .orderBy(asc(cards.createdAt));
  const out: CustomerExport["cards"] = [];
  for (const { card, program } of rows) {
    const entries = await ctx.db
      .select({ at: ledgerEntries.createdAt, kind: ledgerEntries.kind, amount: ledgerEntries.amount, balanceAfter: ledgerEntries.balanceAfter, reference: ledgerEntries.reference })
      .from(ledgerEntries)
      .where(eq(ledgerEntries.cardId, card.id))
      .orderBy(asc(ledgerEntries.seq));
    const vs = await ctx.db
      .select({ title: vouchers.title, code: vouchers.code, status: vouchers.status, expiresAt: vouchers.expiresAt, redeemedAt: vouchers.redeemedAt })
      .from(vouchers)
      .where(eq(vouchers.cardId, card.id))
      .orderBy(asc(vouchers.createdAt));
    const joined = await ctx.db
      .select({ goal: goals.name, contribution: goalParticipants.contribution, joinedAt: goalParticipants.joinedAt, rewardedAt: goalParticipants.rewardedAt })
      .from(goalParticipants)
      .innerJoin(goals, eq(goals.id, goalParticipants.goalId))
      .where(eq(goalParticipants.cardId, card.id))
      .orderBy(asc(goalParticipants.joinedAt));
    out.push({ id: card.id, program, balance: card.balance, lifetimeEarned: card.lifetimeEarned, tier: card.tier, status: card.status, createdAt: card.createdAt, entries, vouchers: vs, goals: joined });
  }
  await audit(ctx.db, ctx.merchantId, ctx.actor, "customer.exported", { type: "customer", id: customer.id });
  const { merchantId: _m, ...rest } = customer;
  return { exportedAt: now(ctx).toISOString(), customer: rest, cards: out };
}

/**
 * Erases a customer's personal data (GDPR art. 17). The ledger stays whole, for the books, but no
 * longer points to a person: email becomes a placeholder, name, phone and birthday go, cards close.
 */
export async function eraseCustomer(ctx: Ctx, raw: z.input<typeof CustomerRef>): Promise<Customer> {
  assertCan(ctx.actor, "customers:erase");
  const { customerId } = CustomerRef.parse(raw);
  return withTransaction(ctx, async (tx) => {
    const customer = await loadCustomer(tx, customerId);
    if (customer.erasedAt) throw new AppError("conflict", "This customer's data was already erased.");
    const at = now(ctx);
    const [erased] = await tx.db
      .update(customers)
      .set({ email: `erased+${customer.id}@erased.invalid`, name: null, phone: null, birthday: null, marketingConsentAt: null, erasedAt: at, updatedAt: at })
      .where(eq(customers.id, customer.id))
      .returning();
    const closed = await tx.db
      .update(cards)
      // The join address is personal data too.
      .set({ status: "closed", joinIp: null, updatedAt: at })
      .where(and(eq(cards.customerId, customer.id), eq(cards.merchantId, ctx.merchantId)))
      .returning({ id: cards.id, programId: cards.programId });
    // Both wallets hear of it (lib/jobs/wallet-sync): the Apple pass is voided and pushed, the
    // Google object expired with the name and member details removed.
    await recordEvents(tx.db, ctx.merchantId, closed.map((c) => ({ type: "card.closed" as const, payload: { cardId: c.id, programId: c.programId } })));
    await tx.db
      .update(vouchers)
      .set({ status: "void" })
      .where(and(eq(vouchers.merchantId, ctx.merchantId), eq(vouchers.status, "issued"), inCards(closed.map((c) => c.id))));
    // Where cashback was paid (a PayPal email, a Stripe account id) is personal data as well.
    await tx.db.delete(payoutAccounts).where(and(eq(payoutAccounts.customerId, customer.id), eq(payoutAccounts.merchantId, ctx.merchantId)));
    await audit(tx.db, ctx.merchantId, ctx.actor, "customer.erased", { type: "customer", id: customer.id }, { cardsClosed: closed.length });
    return erased!;
  });
}

function inCards(ids: string[]) {
  return ids.length ? inArray(vouchers.cardId, ids) : eq(vouchers.cardId, "__none__");
}
