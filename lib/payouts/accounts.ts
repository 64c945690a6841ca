import { and, desc, eq } from "drizzle-orm";
import { z } from "zod";
import type { Executor } from "../../db/client";
import { payoutAccounts, payouts, payoutSettings, type PayoutAccount } from "../../db/schema";
import { audit } from "../audit/log";
import { appUrl } from "../env";
import { CardToken, holderOf, type Holder } from "../customers/holder";
import { stripeClient } from "./providers/stripe";

/*
 * The card holder's side of payouts, from the card page (the card's public token is the proof,
 * as for the card page's other forms): where they take cashback (a Stripe Express account they
 * link, a PayPal email they type) and the list of their own payouts.
 */

async function upsertAccount(db: Executor, holder: Holder, set: Partial<Pick<PayoutAccount, "stripeAccountId" | "stripeReady" | "paypalEmail">>): Promise<PayoutAccount> {
  const at = new Date();
  const [row] = await db
    .insert(payoutAccounts)
    .values({ customerId: holder.customer.id, merchantId: holder.card.merchantId, ...set, updatedAt: at })
    .onConflictDoUpdate({ target: payoutAccounts.customerId, set: { ...set, updatedAt: at } })
    .returning();
  return row!;
}

export type CardPayouts = {
  /** The program's payout provider, or null when the program does not pay out. */
  provider: "webhook" | "manual" | "stripe" | "paypal" | null;
  minimum: number | null;
  currency: string;
  stripeLinked: boolean;
  stripePending: boolean;
  paypalEmail: string | null;
  payouts: Array<{ id: string; amount: number; currency: string; status: "pending" | "paid" | "failed"; returned: boolean; at: Date }>;
};

/** What the card page shows about payouts: the program's way of paying, the holder's details and their own payouts (newest first). */
export async function cardPayouts(db: Executor, { token, limit = 20 }: { token: string; limit?: number }): Promise<CardPayouts | null> {
  const holder = await holderOf(db, token).catch(() => null);
  if (!holder) return null;
  const [[settings], [account], rows] = await Promise.all([
    db.select().from(payoutSettings).where(and(eq(payoutSettings.programId, holder.card.programId), eq(payoutSettings.merchantId, holder.card.merchantId))),
    db.select().from(payoutAccounts).where(eq(payoutAccounts.customerId, holder.customer.id)),
    db.select().from(payouts).where(eq(payouts.cardId, holder.card.id)).orderBy(desc(payouts.createdAt), desc(payouts.id)).limit(limit),
  ]);
  return {
    provider: settings?.enabled ? settings.provider : null,
    minimum: settings?.thresholdMinor ?? null,
    currency: rows[0]?.currency ?? "",
    stripeLinked: !!account?.stripeAccountId && account.stripeReady,
    stripePending: !!account?.stripeAccountId && !account.stripeReady,
    paypalEmail: account?.paypalEmail ?? null,
    payouts: rows.map((p) => ({
      id: p.id,
      amount: p.amount,
      currency: p.currency,
      // What the customer needs to know: on its way, arrived, or not (and then back on the card).
      status: p.status === "paid" ? "paid" : p.status === "returned" || p.status === "failed" ? "failed" : "pending",
      returned: p.status === "returned",
      at: p.paidAt ?? p.updatedAt,
    })),
  };
}

export const OwnPaypalInput = z
  .object({
    token: CardToken,
    // Empty removes it.
    email: z.union([z.literal(""), z.email("Please enter a valid email address.").max(254).toLowerCase()]),
  })
  .strict();

/** The holder gives (or removes) the PayPal email their cashback is paid to. */
export async function setOwnPaypalEmail(db: Executor, raw: z.input<typeof OwnPaypalInput>): Promise<{ merchantId: string; paypalEmail: string | null }> {
  const input = OwnPaypalInput.parse(raw);
  return db.transaction(async (tx) => {
    const holder = await holderOf(tx, input.token);
    const account = await upsertAccount(tx, holder, { paypalEmail: input.email || null });
    await audit(tx, holder.card.merchantId, holder.ctx.actor, "payouts.paypal_email_set", { type: "customer", id: holder.customer.id }, { removed: !input.email });
    return { merchantId: holder.card.merchantId, paypalEmail: account.paypalEmail };
  });
}

/**
 * Starts (or resumes) linking a Stripe Express account: creates the account once per customer
 * (idempotent at Stripe by the customer's id) and an onboarding link whose return and refresh
 * URLs are the card page's, built from APP_URL. Returns the link to send the holder to.
 */
export async function startStripeOnboarding(db: Executor, { token }: { token: string }): Promise<{ url: string }> {
  const holder = await holderOf(db, token);
  const stripe = stripeClient();
  const [existing] = await db.select().from(payoutAccounts).where(eq(payoutAccounts.customerId, holder.customer.id));
  let accountId = existing?.stripeAccountId ?? null;
  if (!accountId) {
    const account = await stripe.accounts.create(
      {
        type: "express",
        email: holder.customer.email,
        capabilities: { transfers: { requested: true } },
        metadata: { customerId: holder.customer.id, merchantId: holder.card.merchantId },
      },
      { idempotencyKey: `payout-account:${holder.customer.id}` },
    );
    accountId = account.id;
    await upsertAccount(db, holder, { stripeAccountId: accountId, stripeReady: false });
    await audit(db, holder.card.merchantId, holder.ctx.actor, "payouts.stripe_linked", { type: "customer", id: holder.customer.id });
  }
  const link = await stripe.accountLinks.create({
    account: accountId,
    type: "account_onboarding",
    refresh_url: appUrl(`/c/${holder.card.publicToken}/payouts/stripe`),
    return_url: appUrl(`/c/${holder.card.publicToken}/payouts/stripe/return`),
  });
  return { url: link.url };
}

/** Back from Stripe's onboarding: asks Stripe whether the account is ready to receive transfers. */
export async function finishStripeOnboarding(db: Executor, { token }: { token: string }): Promise<{ ready: boolean }> {
  const holder = await holderOf(db, token);
  const [existing] = await db.select().from(payoutAccounts).where(eq(payoutAccounts.customerId, holder.customer.id));
  if (!existing?.stripeAccountId) return { ready: false };
  const account = await stripeClient().accounts.retrieve(existing.stripeAccountId);
  const ready = account.details_submitted === true;
  await upsertAccount(db, holder, { stripeReady: ready });
  return { ready };
}

/** Stripe's account.updated: the linked account became ready (or stopped being so). Unknown accounts are ignored. */
export async function stripeAccountUpdated(db: Executor, account: { id: string; details_submitted?: boolean | null }): Promise<boolean> {
  const rows = await db
    .update(payoutAccounts)
    .set({ stripeReady: account.details_submitted === true, updatedAt: new Date() })
    .where(eq(payoutAccounts.stripeAccountId, account.id))
    .returning({ id: payoutAccounts.customerId });
  return rows.length > 0;
}
