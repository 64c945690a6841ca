import { and, asc, eq, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { cards, customers, type Card } from "../../db/schema";
import { assertCan } from "../auth/permissions";
import type { Ctx } from "../context";
import { EntityId } from "../ids";
import { decodeKeysetCursor, encodeKeysetCursor } from "../paging";

const PAGE = 50;

/** Digits and a leading +: how a phone number is compared, whatever spaces or dashes it was given with. */
const phoneDigits = (phone: string) => phone.replace(/[^0-9+]/g, "").replace(/(?!^)\+/g, "");

/** Filters combine; none lists every card. Strings are read as numbers, so a query string parses. */
export const ListCardsInput = z
  .object({
    email: z.email().max(254).toLowerCase().optional().describe("The customer's email (any case)."),
    phone: z
      .string()
      .max(30)
      .regex(/^\+?[0-9 ()-]{6,20}$/, "a phone number")
      .optional()
      .describe("The customer's phone; spaces, dashes and brackets are ignored."),
    programId: EntityId.optional().describe("Only cards in this program."),
    cursor: z.string().max(200).optional().describe("nextCursor of the previous page"),
    limit: z.coerce.number().int().min(1).max(200).optional().describe(`Page size (default ${PAGE})`),
  })
  .strict();
export type ListCardsInput = z.input<typeof ListCardsInput>;

/**
 * The merchant's cards, oldest first by (created, id) — a stable order, so paging never skips or
 * repeats a card while new ones are made. `cursor` is the opaque `nextCursor` of the previous page.
 */
export async function listCards(ctx: Ctx, raw: ListCardsInput): Promise<{ data: Card[]; nextCursor: string | null }> {
  assertCan(ctx.actor, "cards:read");
  const input = ListCardsInput.parse(raw);
  const limit = input.limit ?? PAGE;
  const after = input.cursor ? decodeKeysetCursor(input.cursor) : null;
  const where: (SQL | undefined)[] = [eq(cards.merchantId, ctx.merchantId)];
  if (input.programId) where.push(eq(cards.programId, input.programId));
  if (input.email) where.push(eq(customers.email, input.email));
  if (input.phone) where.push(sql`regexp_replace(${customers.phone}, '[^0-9+]', '', 'g') = ${phoneDigits(input.phone)}`);
  // Microseconds kept as Postgres gives them, so the next page starts exactly after this one.
  if (after) where.push(sql`(${cards.createdAt}, ${cards.id}) > (${after.at}::timestamptz, ${after.id})`);
  const rows = await ctx.db
    .select({ card: cards, at: sql<string>`${cards.createdAt}::text` })
    .from(cards)
    .innerJoin(customers, eq(customers.id, cards.customerId))
    .where(and(...where))
    .orderBy(asc(cards.createdAt), asc(cards.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return { data: page.map((r) => r.card), nextCursor: rows.length > limit && last ? encodeKeysetCursor(last.at, last.card.id) : null };
}

