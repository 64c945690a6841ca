import { and, count, desc, eq, ilike, isNull, or, sql } from "drizzle-orm";
import { z } from "zod";
import { cards, customers, programs, vouchers } from "../../db/schema";
import { assertCan } from "../auth/permissions";
import type { Ctx } from "../context";
import { notFound } from "../errors";
import { listEntries } from "../cards/read";
import { passActivity } from "../insights/pass-events";
import { SafeText } from "../input";

export const MemberSearch = z.object({
  q: SafeText.trim().max(120).optional(),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
});

const PAGE = 25;

export type MemberRow = { id: string; email: string; name: string | null; joinedAt: Date; cards: number; balance: number; lastActivityAt: Date | null };

/** Members of the business, newest first, searchable by email or name. */
export async function searchMembers(ctx: Ctx, input: z.input<typeof MemberSearch>): Promise<{ rows: MemberRow[]; total: number; page: number; pages: number }> {
  assertCan(ctx.actor, "customers:read");
  const { q, page } = MemberSearch.parse(input);
  const term = q ? `%${q.replace(/[%_\\]/g, (c) => `\\${c}`)}%` : null;
  const where = and(eq(customers.merchantId, ctx.merchantId), isNull(customers.erasedAt), term ? or(ilike(customers.email, term), ilike(customers.name, term)) : undefined);
  const [totalRow] = await ctx.db.select({ n: count() }).from(customers).where(where);
  const total = Number(totalRow?.n ?? 0);
  const people = await ctx.db
    .select({ id: customers.id, email: customers.email, name: customers.name, joinedAt: customers.createdAt })
    .from(customers)
    .where(where)
    .orderBy(desc(customers.createdAt), desc(customers.id))
    .limit(PAGE)
    .offset((page - 1) * PAGE);
  const ids = people.map((p) => p.id);
  const stats = ids.length
    ? await ctx.db
        .select({ customerId: cards.customerId, cards: count(), balance: sql<number>`coalesce(sum(${cards.balance}), 0)::int`, last: sql<Date | null>`max(${cards.lastActivityAt})` })
        .from(cards)
        .where(and(eq(cards.merchantId, ctx.merchantId), sql`${cards.customerId} in ${ids}`))
        .groupBy(cards.customerId)
    : [];
  const byId = new Map(stats.map((s) => [s.customerId, s]));
  return {
    rows: people.map((p) => {
      const s = byId.get(p.id);
      return { ...p, cards: Number(s?.cards ?? 0), balance: Number(s?.balance ?? 0), lastActivityAt: s?.last ? new Date(s.last) : null };
    }),
    total,
    page,
    pages: Math.max(1, Math.ceil(total / PAGE)),
  };
}

/** One member with each card, its ledger history (newest first), vouchers, and when its wallet passes were last pushed and fetched. */
export async function memberDetail(ctx: Ctx, customerId: string) {
  assertCan(ctx.actor, "customers:read");
  const [customer] = await ctx.db
    .select()
    .from(customers)
    .where(and(eq(customers.id, customerId), eq(customers.merchantId, ctx.merchantId)));
  if (!customer) throw notFound("Member");
  const owned = await ctx.db
    .select({ card: cards, programName: programs.name, programKind: programs.kind, programCurrency: programs.currency })
    .from(cards)
    .innerJoin(programs, eq(programs.id, cards.programId))
    .where(and(eq(cards.customerId, customer.id), eq(cards.merchantId, ctx.merchantId)))
    .orderBy(desc(cards.createdAt));
  const readCtx: Ctx = { ...ctx, actor: { type: "system", id: "dashboard" } };
  const activity = await passActivity(ctx.db, owned.map((o) => o.card.id));
  const detailed = [];
  for (const o of owned) {
    const { data } = await listEntries(readCtx, { cardId: o.card.id, limit: 100 });
    const vs = await ctx.db.select().from(vouchers).where(eq(vouchers.cardId, o.card.id)).orderBy(desc(vouchers.createdAt)).limit(50);
    const a = activity.get(o.card.id);
    const wallet = {
      apple: { pushedAt: a?.applePushedAt ?? null, fetchedAt: a?.appleFetchedAt ?? null },
      google: { pushedAt: a?.googlePushedAt ?? null, fetchedAt: a?.googleFetchedAt ?? null },
    };
    detailed.push({ ...o, entries: data, vouchers: vs, wallet });
  }
  return { customer, cards: detailed };
}
