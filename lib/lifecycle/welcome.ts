import { and, eq } from "drizzle-orm";
import { bonusGrants, lifecycleSettings, type Card, type LedgerProgram } from "../../db/schema";
import { now, type TxCtx } from "../context";
import { appendEntry } from "../ledger/core";

/**
 * The welcome bonus, inside enroll's transaction for a card it has just made: paid once per card
 * (bonus grant `welcome`), when the program's welcome automation is on.
 */
export async function grantWelcomeBonus(tx: TxCtx, card: Card, program: LedgerProgram): Promise<Card> {
  const [settings] = await tx.db.select().from(lifecycleSettings).where(eq(lifecycleSettings.programId, program.id));
  if (!settings?.welcomeEnabled || settings.welcomeBonus <= 0) return card;
  const [grant] = await tx.db
    .insert(bonusGrants)
    .values({ key: "welcome", cardId: card.id, merchantId: tx.merchantId, entryId: "pending", points: settings.welcomeBonus, createdAt: now(tx) })
    .onConflictDoNothing()
    .returning();
  if (!grant) return card;
  const { entry, card: updated } = await appendEntry(tx, card, program, { kind: "bonus", amount: settings.welcomeBonus, reference: "welcome", details: { reason: "welcome" }, earned: true });
  await tx.db.update(bonusGrants).set({ entryId: entry.id }).where(and(eq(bonusGrants.key, "welcome"), eq(bonusGrants.cardId, card.id)));
  return updated;
}
