import { eq, inArray } from "drizzle-orm";
import { pointLots, type Card, type LedgerEntry } from "../../db/schema";
import { now, withTransaction, type Ctx } from "../context";
import { appendEntry, lockCardWithProgram } from "../ledger/core";
import { isLotExpired } from "./policy";

/**
 * Closes the card's lots that are due under its program's policy as one `expire` entry.
 * Returns null when nothing was due, so running it again changes nothing.
 */
export async function expireCard(ctx: Ctx, cardId: string): Promise<{ entry: LedgerEntry; card: Card } | null> {
  return withTransaction(ctx, async (tx) => {
    const { card, program } = await lockCardWithProgram(tx, cardId);
    const at = now(ctx);
    const open = await tx.db.select().from(pointLots).where(eq(pointLots.cardId, card.id));
    const due = open.filter((lot) => isLotExpired(program.expiry, lot, card.lastActivityAt, at));
    const total = due.reduce((sum, lot) => sum + lot.remaining, 0);
    if (total === 0) return null;
    await tx.db.delete(pointLots).where(inArray(pointLots.id, due.map((lot) => lot.id)));
    return appendEntry(tx, card, program, {
      kind: "expire",
      amount: -total,
      details: { lots: due.map((l) => ({ id: l.id, amount: l.remaining, expiresAt: l.expiresAt })) },
    });
  });
}
