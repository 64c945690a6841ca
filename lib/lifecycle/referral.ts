import { and, eq, gte, gt, sql } from "drizzle-orm";
import type { Executor } from "../../db/client";
import { bonusGrants, cards, customers, lifecycleSettings, referrals, type Card, type Customer, type Referral, type LedgerProgram } from "../../db/schema";
import { now, type TxCtx } from "../context";
import { newId } from "../ids";
import { appendEntry, lockCard } from "../ledger/core";
import { recordEvents } from "../outbox";
import { startOfLocalMonth } from "./calendar";

/*
 * Referrals. A member shares their link (/join/<program>?ref=<their code>); whoever joins through it
 * gets a `referrals` row, pending until their first qualifying purchase, which credits both sides
 * once (the referrer only while under the monthly cap). A self-referral — the same customer, the
 * same email (ignoring case and a +tag) or the same phone — is recorded as refused and never paid.
 */

const normalEmail = (email: string) => {
  const [local, domain] = email.toLowerCase().split("@");
  return `${(local ?? "").split("+")[0]}@${domain ?? ""}`;
};
const normalPhone = (phone: string | null) => (phone ? phone.replace(/[^\d]/g, "").replace(/^00/, "") : "");

/** Whether two customers are one person for a referral: the same customer, email or phone. */
export function samePerson(a: Pick<Customer, "id" | "email" | "phone">, b: Pick<Customer, "id" | "email" | "phone">): boolean {
  if (a.id === b.id) return true;
  if (normalEmail(a.email) === normalEmail(b.email)) return true;
  const pa = normalPhone(a.phone);
  return pa.length >= 6 && pa === normalPhone(b.phone);
}

/**
 * Called by enroll for a new card that came with a referral code of `referrer`: records the
 * referral (refused for a self-referral) and links the card to its referrer. Returns the card as it is now.
 */
export async function recordReferral(tx: TxCtx, card: Card, customer: Customer, referrer: Card): Promise<Card> {
  const [referrerCustomer] = await tx.db.select().from(customers).where(eq(customers.id, referrer.customerId));
  const self = referrer.id === card.id || !referrerCustomer || samePerson(customer, referrerCustomer);
  await tx.db
    .insert(referrals)
    .values({
      id: newId("ref"),
      merchantId: tx.merchantId,
      programId: card.programId,
      referrerCardId: referrer.id,
      refereeCardId: card.id,
      status: self ? "refused" : "pending",
      reason: self ? "self_referral" : null,
      createdAt: now(tx),
    })
    .onConflictDoNothing();
  if (self) return card;
  const [linked] = await tx.db.update(cards).set({ referredByCardId: referrer.id }).where(eq(cards.id, card.id)).returning();
  return linked!;
}

export type QualifyingEarn = { entryId: string; purchaseAmount: number | null };

/**
 * Called inside the earn transaction with the new member's card locked: when this earn is their first
 * qualifying purchase, credits them and their referrer (each once: the referral row moves from
 * pending to credited in this transaction, and the bonus grants `referral:<new member's card>` are
 * unique per card) and records `referral.credited`. A retried or concurrent earn waits for the card's
 * lock, then finds the referral credited and pays nothing.
 */
export async function rewardReferralOnFirstEarn(tx: TxCtx, card: Card, program: LedgerProgram, earned: QualifyingEarn, timezone: string): Promise<Card> {
  if (!card.referredByCardId) return card;
  // The pending referral first: once it is credited or refused, an earn costs this one lookup.
  const [referral] = await tx.db
    .select()
    .from(referrals)
    .where(and(eq(referrals.refereeCardId, card.id), eq(referrals.status, "pending")))
    .for("update");
  if (!referral) return card;
  const [settings] = await tx.db.select().from(lifecycleSettings).where(eq(lifecycleSettings.programId, program.id));
  if (!settings?.referralEnabled) return card;
  const qualifies = earned.purchaseAmount === null ? settings.referralMinPurchase === 0 : earned.purchaseAmount >= settings.referralMinPurchase;
  if (!qualifies) return card;

  const at = now(tx);
  const key = `referral:${card.id}`;
  // Checked again when paying: the new member may have changed their email or phone since joining.
  const people = await tx.db.select().from(customers).where(sql`${customers.id} in (${card.customerId}, (select customer_id from cards where id = ${referral.referrerCardId}))`);
  const referee = people.find((p) => p.id === card.customerId);
  const other = people.find((p) => p.id !== card.customerId);
  if (!referee || !other || samePerson(referee, other)) {
    await settle(tx, referral, { status: "refused", reason: "self_referral" });
    return card;
  }

  let current = card;
  let refereePoints = 0;
  if (settings.refereeBonus > 0) {
    const paid = await pay(tx, current, program, key, settings.refereeBonus, { reason: "referral: joined through a friend", referral: "welcome", referralId: referral.id }, at);
    if (paid) {
      current = paid;
      refereePoints = settings.refereeBonus;
    }
  }

  let referrerPoints = 0;
  let reason: string | null = null;
  if (settings.referrerBonus > 0) {
    // Locked before counting, so two referrals of the same member credited at once respect the cap.
    const referrer = await lockCard(tx, referral.referrerCardId).catch(() => null);
    if (!referrer || referrer.status !== "active" || referrer.programId !== program.id) reason = "referrer_closed";
    else if (settings.referralMonthlyCap !== null && (await creditedThisMonth(tx, referrer.id, at, timezone)) >= settings.referralMonthlyCap) reason = "cap_reached";
    else if (await pay(tx, referrer, program, key, settings.referrerBonus, { reason: "referral: a friend joined", referral: "referrer", referralId: referral.id, refereeCardId: card.id }, at)) {
      referrerPoints = settings.referrerBonus;
    }
  }
  await settle(tx, referral, { status: "credited", reason, referrerPoints, refereePoints, qualifyingEntryId: earned.entryId, creditedAt: at });
  await recordEvents(tx.db, tx.merchantId, [
    {
      type: "referral.credited",
      payload: { referralId: referral.id, programId: program.id, referrerCardId: referral.referrerCardId, refereeCardId: card.id, referrerPoints, refereePoints },
    },
  ]);
  return current;
}

/** Pays `points` to `card` once for `key`: the grant row goes in first, so a second attempt writes nothing. */
async function pay(tx: TxCtx, card: Card, program: LedgerProgram, key: string, points: number, details: Record<string, unknown>, at: Date): Promise<Card | null> {
  const [grant] = await tx.db
    .insert(bonusGrants)
    .values({ key, cardId: card.id, merchantId: tx.merchantId, entryId: "pending", points, createdAt: at })
    .onConflictDoNothing()
    .returning();
  if (!grant) return null;
  const { entry, card: updated } = await appendEntry(tx, card, program, { kind: "bonus", amount: points, reference: key, details, earned: true });
  await tx.db.update(bonusGrants).set({ entryId: entry.id }).where(and(eq(bonusGrants.key, key), eq(bonusGrants.cardId, card.id)));
  return updated;
}

async function settle(tx: TxCtx, referral: Referral, patch: Partial<Referral>) {
  await tx.db
    .update(referrals)
    .set(patch)
    .where(and(eq(referrals.id, referral.id), eq(referrals.status, "pending")));
}

/** Referrals that paid this referrer since the start of the calendar month (the business's time zone). */
async function creditedThisMonth(tx: TxCtx, referrerCardId: string, at: Date, timezone: string): Promise<number> {
  const [row] = await tx.db
    .select({ n: sql<number>`count(*)::int` })
    .from(referrals)
    .where(and(eq(referrals.referrerCardId, referrerCardId), eq(referrals.status, "credited"), gt(referrals.referrerPoints, 0), gte(referrals.creditedAt, startOfLocalMonth(at, timezone))));
  return Number(row?.n ?? 0);
}

/**
 * For the public join page: whether `code` is the referral code of an active member of the program,
 * and what the new member gets when referrals are on. Anyone may ask (the code is meant to be shared);
 * nothing about the referrer is told.
 */
export async function referralInvite(
  db: Executor,
  params: { programId: string; code: string },
): Promise<{ valid: boolean; offer: { referrerBonus: number; refereeBonus: number; minPurchase: number } | null }> {
  const code = params.code.trim().toUpperCase();
  if (!/^[A-Z0-9-]{4,40}$/.test(code)) return { valid: false, offer: null };
  const [row] = await db
    .select({ id: cards.id, settings: lifecycleSettings })
    .from(cards)
    .leftJoin(lifecycleSettings, eq(lifecycleSettings.programId, cards.programId))
    .where(and(eq(cards.programId, params.programId), eq(cards.referralCode, code), eq(cards.status, "active")));
  if (!row) return { valid: false, offer: null };
  const s = row.settings;
  const on = s?.referralEnabled && (s.referrerBonus > 0 || s.refereeBonus > 0);
  return { valid: true, offer: on ? { referrerBonus: s.referrerBonus, refereeBonus: s.refereeBonus, minPurchase: s.referralMinPurchase } : null };
}
