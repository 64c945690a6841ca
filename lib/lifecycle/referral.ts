import { and, eq, sql } from "drizzle-orm";
import { bonusGrants, cards, ledgerEntries, lifecycleSettings, type Card, type Program } from "../../db/schema";
import type { TxCtx } from "../context";
import { appendEntry, lockCard } from "../ledger/core";

/**
 * Called inside the earn transaction, with the referee's card locked: on a referred member's first
 * earn, credits the referrer and the new member once each. The grant rows (`referral:<referee card>`)
 * commit with the earn, so a retried or concurrent earn finds them and credits nothing.
 */
export async function rewardReferralOnFirstEarn(tx: TxCtx, card: Card, program: Program): Promise<Card> {
  if (!card.referredByCardId) return card;
  const [settings] = await tx.db.select().from(lifecycleSettings).where(eq(lifecycleSettings.programId, program.id));
  if (!settings || (settings.referrerBonus <= 0 && settings.refereeBonus <= 0)) return card;
  const key = `referral:${card.id}`;
  const [done] = await tx.db.select({ key: bonusGrants.key }).from(bonusGrants).where(eq(bonusGrants.key, key)).limit(1);
  if (done) return card;
  const [earns] = await tx.db
    .select({ n: sql<number>`count(*)::int` })
    .from(ledgerEntries)
    .where(and(eq(ledgerEntries.cardId, card.id), eq(ledgerEntries.kind, "earn")));
  if (Number(earns!.n) !== 1) return card;

  let referee = card;
  if (settings.refereeBonus > 0) {
    const { entry, card: updated } = await appendEntry(tx, card, program, { kind: "bonus", amount: settings.refereeBonus, reference: key, details: { referral: "welcome" }, earned: true });
    await tx.db.insert(bonusGrants).values({ key, cardId: card.id, merchantId: tx.merchantId, entryId: entry.id, points: settings.refereeBonus });
    referee = updated;
  }
  if (settings.referrerBonus > 0) {
    const referrer = await lockCard(tx, card.referredByCardId).catch(() => null);
    if (referrer && referrer.status === "active" && referrer.programId === program.id) {
      const { entry } = await appendEntry(tx, referrer, program, { kind: "bonus", amount: settings.referrerBonus, reference: key, details: { referral: "referrer", refereeCardId: card.id }, earned: true });
      await tx.db.insert(bonusGrants).values({ key, cardId: referrer.id, merchantId: tx.merchantId, entryId: entry.id, points: settings.referrerBonus });
    }
  }
  if (settings.refereeBonus <= 0) {
    // Still mark the referral as rewarded, so the referrer is credited only once.
    await tx.db.insert(bonusGrants).values({ key, cardId: card.id, merchantId: tx.merchantId, entryId: "none", points: 0 }).onConflictDoNothing();
  }
  const [fresh] = await tx.db.select().from(cards).where(eq(cards.id, referee.id));
  return fresh!;
}
