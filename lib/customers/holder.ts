import { and, eq, isNull } from "drizzle-orm";
import { z } from "zod";
import type { Executor } from "../../db/client";
import { cards, customers, type Card, type Customer } from "../../db/schema";
import type { Ctx } from "../context";
import { AppError } from "../errors";

/** A card page's public token: the proof a customer without an account shows for their own card. */
export const CardToken = z.string().regex(/^[A-Za-z0-9]{16,64}$/, "a card token");

export type Holder = { card: Card; customer: Customer; ctx: Ctx };

/**
 * The open card behind a card page token, its holder and a context acting as them (`actor:
 * customer`, source card_page); not_found for a closed card or an erased holder.
 */
export async function holderOf(db: Executor, token: string): Promise<Holder> {
  const [row] = await db
    .select({ card: cards, customer: customers })
    .from(cards)
    .innerJoin(customers, eq(customers.id, cards.customerId))
    .where(and(eq(cards.publicToken, CardToken.parse(token)), isNull(customers.erasedAt)));
  if (!row || row.card.status !== "active") throw new AppError("not_found", "This card no longer exists.");
  return { ...row, ctx: { db, merchantId: row.card.merchantId, actor: { type: "customer", id: row.customer.id }, source: "card_page" } };
}
