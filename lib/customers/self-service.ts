import { and, eq } from "drizzle-orm";
import { z } from "zod";
import type { Executor } from "../../db/client";
import { cards, customers, merchants, programs, type Customer } from "../../db/schema";
import { audit } from "../audit/log";
import { cardLinks } from "../cards/links";
import { withTransaction, type Ctx } from "../context";
import { sendEmail } from "../email";
import { eraseEmail } from "../email/templates/erase";
import { AppError } from "../errors";
import { SafeText } from "../input";
import { recordEvents } from "../outbox";
import { enforceRateLimit } from "../rate-limit";
import { eraseCustomer, exportCustomer, type CustomerExport } from "./gdpr";
import { CardToken, holderOf } from "./holder";
import { eraseUrl, verifyCustomerLink, type LinkPurpose } from "./links";

/*
 * What a customer does about their own data from the card page and from links in their emails,
 * without an account: the card's public token (card page) or a signed link (email) is the proof.
 * Each verb acts as the customer (`actor: customer`), so the GDPR verbs check it is their own data.
 */

/** What the card page's "Your details" form sends. An empty birthday removes it. */
export const OwnDetailsInput = z
  .object({
    token: CardToken,
    name: SafeText.trim().min(1, "Please enter a name.").max(120),
    birthday: z.union([z.literal(""), z.iso.date()]).refine((v) => v === "" || (v >= "1900-01-01" && new Date(`${v}T00:00:00Z`) <= new Date()), "a date in the past"),
  })
  .strict();

/**
 * The holder changes their name and birthday. The passes show the name, so each open card records
 * `card.details_changed` (the wallet sync re-renders them) when it changed.
 */
export async function updateOwnDetails(db: Executor, raw: z.input<typeof OwnDetailsInput>): Promise<{ merchantId: string; changed: boolean }> {
  const input = OwnDetailsInput.parse(raw);
  const holder = await holderOf(db, input.token);
  const birthday = input.birthday || null;
  if (holder.customer.name === input.name && holder.customer.birthday === birthday) return { merchantId: holder.card.merchantId, changed: false };
  return withTransaction(holder.ctx, async (tx) => {
    await tx.db.update(customers).set({ name: input.name, birthday, updatedAt: new Date() }).where(eq(customers.id, holder.customer.id));
    if (holder.customer.name !== input.name) {
      const open = await tx.db
        .select({ id: cards.id, programId: cards.programId })
        .from(cards)
        .where(and(eq(cards.customerId, holder.customer.id), eq(cards.status, "active")));
      await recordEvents(tx.db, tx.merchantId, open.map((c) => ({ type: "card.details_changed" as const, payload: { cardId: c.id, programId: c.programId } })));
    }
    await audit(tx.db, tx.merchantId, tx.actor, "customer.details_changed", { type: "customer", id: holder.customer.id }, { name: holder.customer.name !== input.name, birthday: holder.customer.birthday !== birthday });
    return { merchantId: tx.merchantId, changed: true };
  });
}

export const OwnPreferencesInput = z.object({ token: CardToken, marketing: z.boolean() }).strict();

/** The holder turns marketing email on or off from the card page. */
export async function setOwnMarketing(db: Executor, raw: z.input<typeof OwnPreferencesInput>): Promise<{ marketing: boolean }> {
  const input = OwnPreferencesInput.parse(raw);
  const holder = await holderOf(db, input.token);
  await setMarketing(holder.ctx, holder.customer, input.marketing, "card_page");
  return { marketing: input.marketing };
}

async function setMarketing(ctx: Ctx, customer: Pick<Customer, "id" | "marketingConsentAt">, on: boolean, via: string) {
  if (Boolean(customer.marketingConsentAt) === on) return;
  await withTransaction(ctx, async (tx) => {
    await tx.db
      .update(customers)
      .set({ marketingConsentAt: on ? new Date() : null, updatedAt: new Date() })
      .where(and(eq(customers.id, customer.id), eq(customers.merchantId, tx.merchantId)));
    await audit(tx.db, tx.merchantId, tx.actor, on ? "customer.subscribed" : "customer.unsubscribed", { type: "customer", id: customer.id }, { via });
  });
}

/** Everything kept about the card's holder (the GDPR export), for the card page's download. */
export async function exportOwnData(db: Executor, raw: { token: string }): Promise<CustomerExport> {
  const holder = await holderOf(db, raw.token);
  return exportCustomer(holder.ctx, { customerId: holder.customer.id });
}

/** Deletion emails a card may ask for in an hour (per card; the route limits per address too). */
export const ERASURE_EMAILS_PER_HOUR = 3;

/**
 * The holder asks to delete their card and data: they get an email with a signed link that works
 * for a day; nothing is deleted until they confirm from it. At most ERASURE_EMAILS_PER_HOUR a card.
 */
export async function requestOwnErasure(db: Executor, raw: { token: string }): Promise<{ merchantId: string }> {
  const holder = await holderOf(db, raw.token);
  await enforceRateLimit("erasureEmail", `card:${holder.card.id}`);
  const [found] = await db
    .select({ merchant: merchants.name, brandColor: merchants.brandColor, program: programs.name })
    .from(programs)
    .innerJoin(merchants, eq(merchants.id, programs.merchantId))
    .where(eq(programs.id, holder.card.programId));
  const url = eraseUrl(holder.customer);
  await sendEmail(db, {
    to: holder.customer.email,
    ...eraseEmail({ merchantName: found!.merchant, brandColor: found!.brandColor, programName: found!.program, url, cardUrl: cardLinks(holder.card).card, language: holder.customer.language }),
    kind: "erase_confirm",
    merchantId: holder.card.merchantId,
    // The link deletes the account: it is sent, not kept in the stored copy.
    secretLinks: [url],
  });
  await audit(db, holder.card.merchantId, holder.ctx.actor, "customer.erasure_requested", { type: "customer", id: holder.customer.id });
  return { merchantId: holder.card.merchantId };
}

/** Who a signed link is for, to show on its confirmation page; null for a forged, expired or spent link. */
export async function customerOfLink(
  db: Executor,
  purpose: LinkPurpose,
  token: string,
): Promise<{ customer: Customer; merchantName: string; programName: string | null; cardToken: string | null } | null> {
  const claims = verifyCustomerLink(purpose, token);
  if (!claims) return null;
  const [row] = await db
    .select({ customer: customers, merchantName: merchants.name })
    .from(customers)
    .innerJoin(merchants, eq(merchants.id, customers.merchantId))
    .where(and(eq(customers.id, claims.customerId), eq(customers.merchantId, claims.merchantId)));
  if (!row || row.customer.erasedAt) return null;
  const [card] = await db
    .select({ program: programs.name, token: cards.publicToken })
    .from(cards)
    .innerJoin(programs, eq(programs.id, cards.programId))
    .where(and(eq(cards.customerId, row.customer.id), eq(cards.status, "active")))
    .limit(1);
  return { ...row, programName: card?.program ?? null, cardToken: card?.token ?? null };
}

/**
 * One-click unsubscribe (RFC 8058): the signed link from a marketing email turns marketing email
 * off, without a session. Unsubscribing twice is fine; a forged or expired link is refused.
 */
export async function unsubscribeByLink(db: Executor, raw: { token: string }): Promise<{ merchantId: string; customerId: string }> {
  const claims = verifyCustomerLink("unsubscribe", raw.token);
  if (!claims) throw new AppError("not_found", "This unsubscribe link is not valid.");
  const [customer] = await db
    .select()
    .from(customers)
    .where(and(eq(customers.id, claims.customerId), eq(customers.merchantId, claims.merchantId)));
  if (!customer) throw new AppError("not_found", "This unsubscribe link is not valid.");
  if (!customer.erasedAt) {
    await setMarketing({ db, merchantId: customer.merchantId, actor: { type: "customer", id: customer.id }, source: "email" }, customer, false, "unsubscribe_link");
  }
  return { merchantId: customer.merchantId, customerId: customer.id };
}

/**
 * The holder confirms the deletion from the emailed link: the GDPR erasure runs (cards closed, the
 * Apple pass voided and the Google object expired by the wallet sync). The link is single-use: once
 * the data is erased, the same link is refused.
 */
export async function confirmErasureByLink(db: Executor, raw: { token: string }): Promise<{ merchantId: string }> {
  const claims = verifyCustomerLink("erase", raw.token);
  if (!claims) throw new AppError("not_found", "This deletion link is not valid or has expired.");
  const ctx: Ctx = { db, merchantId: claims.merchantId, actor: { type: "customer", id: claims.customerId }, source: "email" };
  const [customer] = await db
    .select({ erasedAt: customers.erasedAt })
    .from(customers)
    .where(and(eq(customers.id, claims.customerId), eq(customers.merchantId, claims.merchantId)));
  if (!customer || customer.erasedAt) throw new AppError("not_found", "This deletion link was already used.");
  await eraseCustomer(ctx, { customerId: claims.customerId });
  return { merchantId: claims.merchantId };
}

/** What the card page's self-service forms start from; null when the card is closed or its holder erased. */
export async function ownProfile(db: Executor, token: string): Promise<{ name: string; birthday: string; email: string; marketing: boolean } | null> {
  try {
    const { customer } = await holderOf(db, token);
    return { name: customer.name ?? "", birthday: customer.birthday ?? "", email: customer.email, marketing: Boolean(customer.marketingConsentAt) };
  } catch {
    return null;
  }
}
