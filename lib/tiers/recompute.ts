import { and, eq, gt, inArray, sql } from "drizzle-orm";
import type { Executor } from "../../db/client";
import { cards, ledgerEntries, type Card, type LedgerProgram } from "../../db/schema";
import { audit } from "../audit/log";
import { now, type TxCtx } from "../context";
import { recordEvents } from "../outbox";
import { tierFor } from "./schema";

const DAY = 86_400_000;

export async function earnedInWindow(ctx: TxCtx, cardId: string, windowDays: number): Promise<number> {
  const since = new Date(now(ctx).getTime() - windowDays * DAY);
  const [row] = await ctx.db
    .select({ total: sql<number>`coalesce(sum(${ledgerEntries.amount}), 0)::int` })
    .from(ledgerEntries)
    .where(and(eq(ledgerEntries.cardId, cardId), inArray(ledgerEntries.kind, ["earn", "bonus"]), gt(ledgerEntries.createdAt, since)));
  return Number(row?.total ?? 0);
}

/** Puts the card in the tier its recent earning reaches; a change is an event and an audit entry. */
export async function recomputeTier(ctx: TxCtx, card: Card, program: LedgerProgram, known?: number | null): Promise<Card> {
  if (!program.tiers) return card;
  // appendEntry reads the window sum in its own statement; only query when it is not at hand.
  const earned = typeof known === "number" ? known : await earnedInWindow(ctx, card.id, program.tiers.windowDays);
  const tier = tierFor(program.tiers, earned)?.name ?? null;
  if (tier === card.tier) return card;
  const [updated] = await ctx.db
    .update(cards)
    .set({ tier, version: sql`${cards.version} + 1`, updatedAt: now(ctx) })
    .where(eq(cards.id, card.id))
    .returning();
  await recordEvents(ctx.db, ctx.merchantId, [{ type: "tier.changed", payload: { cardId: card.id, programId: program.id, from: card.tier, to: tier } }]);
  await audit(ctx.db, ctx.merchantId, ctx.actor, "tier.changed", { type: "card", id: card.id }, { from: card.tier, to: tier, earnedInWindow: earned });
  return updated!;
}

export function tierMultiplier(program: LedgerProgram, tier: string | null): number {
  return program.tiers?.levels.find((l) => l.name === tier)?.multiplier ?? 1;
}

/** earnedInWindow for many cards at once (one query per window length), by card id. */
export async function earnedInWindows(db: TxCtx["db"] | Executor, cards: { id: string; windowDays: number }[], at: Date): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const byWindow = new Map<number, string[]>();
  for (const c of cards) byWindow.set(c.windowDays, [...(byWindow.get(c.windowDays) ?? []), c.id]);
  for (const [windowDays, ids] of byWindow) {
    const since = new Date(at.getTime() - windowDays * DAY);
    const rows = await db
      .select({ cardId: ledgerEntries.cardId, total: sql<number>`coalesce(sum(${ledgerEntries.amount}), 0)::int` })
      .from(ledgerEntries)
      .where(and(inArray(ledgerEntries.cardId, ids), inArray(ledgerEntries.kind, ["earn", "bonus"]), gt(ledgerEntries.createdAt, since)))
      .groupBy(ledgerEntries.cardId);
    for (const id of ids) out.set(id, 0);
    for (const r of rows) out.set(r.cardId, Number(r.total));
  }
  return out;
}
