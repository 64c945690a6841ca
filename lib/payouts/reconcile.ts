import { and, eq, inArray, sql } from "drizzle-orm";
import type { Executor } from "../../db/client";
import { payoutProviderEvents, payouts, type Payout } from "../../db/schema";
import { systemActor, type Ctx } from "../context";
import { reverse } from "../ledger/reverse";
import { recordPayoutEvents } from "./runs";

/*
 * What a provider's webhook says about a payout after the run: paid (PayPal item succeeded),
 * or given back (Stripe transfer reversed, PayPal item failed, returned, refused…). A payout given
 * back is `returned` and its cashback goes back on the card through a reversal of its payout entry —
 * once: the status changes only from an open one, and an entry is reversed at most once.
 * Each provider event is handled once: its id is written in the same transaction.
 */

export type ProviderEvent = {
  provider: "stripe" | "paypal";
  eventId: string;
  type: string;
  /** Our payout id (Stripe transfer metadata, PayPal sender_item_id); null when the event is not about a payout. */
  payoutId: string | null;
  /** The provider's id of the transfer or batch, checked against what the run stored when it has one. */
  reference?: string | null;
  outcome: "paid" | "returned" | "ignore";
  reason?: string;
};

export type ReconcileResult = { duplicate: boolean; outcome: "paid" | "returned" | "unchanged" | "unknown_payout" | "ignored" };

export async function applyProviderEvent(db: Executor, event: ProviderEvent): Promise<ReconcileResult & { merchantId: string | null }> {
  return db.transaction(async (tx) => {
    // The event id first: a redelivery (or one racing this, which waits on the key) finds it and changes nothing.
    const [first] = await tx
      .insert(payoutProviderEvents)
      .values({ provider: event.provider, eventId: event.eventId, type: event.type, outcome: "ignored" })
      .onConflictDoNothing()
      .returning({ eventId: payoutProviderEvents.eventId });
    if (!first) return { duplicate: true, outcome: "unchanged" as const, merchantId: null };
    const [payout] = event.payoutId ? await tx.select().from(payouts).where(eq(payouts.id, event.payoutId)) : [];
    const outcome = event.outcome === "ignore" ? "ignored" : !payout ? "unknown_payout" : await settle(tx, payout, event);
    await tx
      .update(payoutProviderEvents)
      .set({ payoutId: payout?.id ?? null, outcome })
      .where(and(eq(payoutProviderEvents.provider, event.provider), eq(payoutProviderEvents.eventId, event.eventId)));
    return { duplicate: false, outcome, merchantId: payout?.merchantId ?? null };
  });
}

async function settle(tx: Executor, payout: Payout, event: ProviderEvent): Promise<ReconcileResult["outcome"]> {
  // A provider's word about a payout it did not make (another provider, another transfer) changes nothing.
  if (event.reference && payout.providerReference && event.reference !== payout.providerReference) return "unchanged";
  const at = new Date();
  if (event.outcome === "paid") {
    const rows = await tx
      .update(payouts)
      .set({ status: "paid", paidAt: at, updatedAt: at, lastError: null, providerReference: sql`coalesce(${payouts.providerReference}, ${event.reference ?? null})` })
      .where(and(eq(payouts.id, payout.id), inArray(payouts.status, ["pending", "sent", "failed"])))
      .returning();
    await recordPayoutEvents(tx, rows.map(written));
    return rows.length ? "paid" : "unchanged";
  }
  const [returned] = await tx
    .update(payouts)
    .set({ status: "returned", updatedAt: at, lastError: (event.reason ?? event.type).slice(0, 500) })
    .where(and(eq(payouts.id, payout.id), inArray(payouts.status, ["pending", "sent", "failed", "paid"])))
    .returning();
  if (!returned) return "unchanged";
  const ctx: Ctx = { db: tx, merchantId: payout.merchantId, actor: systemActor("payouts"), source: "job", inTransaction: true };
  const { entry } = await reverse(ctx, { entryId: payout.entryId, reason: `Payout returned by ${event.provider}: ${event.type}`.slice(0, 500) });
  await tx.update(payouts).set({ returnedEntryId: entry.id }).where(eq(payouts.id, payout.id));
  await recordPayoutEvents(tx, [written(returned)]);
  return "returned";
}

function written(p: Payout) {
  return {
    id: p.id,
    merchant_id: p.merchantId,
    run_id: p.runId,
    card_id: p.cardId,
    program_id: p.programId,
    amount: p.amount,
    currency: p.currency,
    status: p.status,
    provider_reference: p.providerReference,
    last_error: p.lastError,
  };
}
