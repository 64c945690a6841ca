import { and, eq, inArray, isNull } from "drizzle-orm";
import { z } from "zod";
import type { Executor } from "../../db/client";
import { cards, claimCodeBatches, claimCodes, customers, merchants, programs, type Card, type ClaimCodeBatch, type Merchant, type Program, type LedgerProgram } from "../../db/schema";
import { CustomerInput, enroll } from "../cards/enroll";
import { cardLinks } from "../cards/links";
import { systemActor, withTransaction, type Ctx } from "../context";
import { sendEmail } from "../email";
import { cardLinkEmail } from "../email/templates/card-link";
import { AppError } from "../errors";
import { Language } from "../i18n/languages";
import { appendEntry, lockCardWithProgram } from "../ledger/core";
import { enforceRateLimit } from "../rate-limit";
import { recomputeTier } from "../tiers/recompute";
import { hashClaimCode, normalizeClaimCode } from "./codes";

export type ClaimState = "open" | "claimed" | "expired";

export type ClaimLookup = {
  codeId: string;
  state: ClaimState;
  batch: ClaimCodeBatch;
  program: Program;
  merchant: Pick<Merchant, "id" | "name" | "brandColor" | "timezone">;
};

/** What a scanned code is: its batch, program and business, and whether it can still be claimed. Null for a code that is not ours. */
export async function lookupClaimCode(db: Executor, raw: string, at = new Date()): Promise<ClaimLookup | null> {
  const code = normalizeClaimCode(raw);
  if (!code) return null;
  const [row] = await db
    .select({
      codeId: claimCodes.id,
      claimedAt: claimCodes.claimedAt,
      batch: claimCodeBatches,
      program: programs,
      merchant: { id: merchants.id, name: merchants.name, brandColor: merchants.brandColor, timezone: merchants.timezone },
    })
    .from(claimCodes)
    .innerJoin(claimCodeBatches, eq(claimCodeBatches.id, claimCodes.batchId))
    .innerJoin(programs, eq(programs.id, claimCodeBatches.programId))
    .innerJoin(merchants, eq(merchants.id, claimCodeBatches.merchantId))
    .where(eq(claimCodes.codeHash, hashClaimCode(code)));
  if (!row) return null;
  const state: ClaimState = row.claimedAt ? "claimed" : row.batch.expiresAt && row.batch.expiresAt <= at ? "expired" : "open";
  return { codeId: row.codeId, state, batch: row.batch, program: row.program, merchant: row.merchant };
}

const refusal = (state: Exclude<ClaimState, "open">) =>
  state === "claimed" ? new AppError("already_redeemed", "This code was already claimed.") : new AppError("expired", "This code has expired.");

export type ClaimOutcome = { card: Card; value: number; program: LedgerProgram; entryId: string };

/**
 * Credits a card with a code's value, once: of any number of simultaneous claims of one code,
 * exactly one flips it (a conditional UPDATE on the code's row), and its ledger entry is written in
 * the same transaction (claim_codes.entry_id is unique). The code must be of the card's program
 * (so another business's code never credits this business's card). `ip` is the client's
 * rate-limit key (lib/http/client-ip.ts): attempts per address and claims per card are limited.
 * Who may claim onto the card is the caller's business: the card page's cookie, or the email form.
 */
export async function claimCode(db: Executor, input: { code: string; cardId: string; ip: string; now?: () => Date }): Promise<ClaimOutcome> {
  await enforceRateLimit("claimIp", input.ip);
  const at = input.now?.() ?? new Date();
  const found = await lookupClaimCode(db, input.code, at);
  if (!found) throw new AppError("not_found", "This code is not valid.");
  if (found.state !== "open") throw refusal(found.state);
  await enforceRateLimit("claimCard", input.cardId);

  const ctx: Ctx = { db, merchantId: found.batch.merchantId, actor: systemActor("claim_code"), source: "claim_code", now: () => at };
  return withTransaction(ctx, async (tx) => {
    const [owner] = await tx.db
      .select({ customerId: cards.customerId, programId: cards.programId })
      .from(cards)
      .where(and(eq(cards.id, input.cardId), eq(cards.merchantId, found.batch.merchantId)));
    // A card of another business, or of another program, is told the code does not fit it.
    if (!owner || owner.programId !== found.batch.programId) throw new AppError("wrong_merchant", "This code is not for this card.");
    const claimCtx = { ...tx, actor: { type: "customer" as const, id: owner.customerId } };

    const [won] = await tx.db
      .update(claimCodes)
      .set({ claimedAt: at, cardId: input.cardId })
      .where(and(eq(claimCodes.id, found.codeId), isNull(claimCodes.claimedAt)))
      .returning({ id: claimCodes.id });
    if (!won) throw refusal("claimed");

    const locked = await lockCardWithProgram(claimCtx, input.cardId);
    if (locked.card.status !== "active") throw new AppError("inactive", "This card is closed.");
    if (locked.program.status !== "active") throw new AppError("inactive", "This program is not running right now.");
    const result = await appendEntry(claimCtx, locked.card, locked.program, {
      kind: "bonus",
      amount: found.batch.value,
      reference: `claim:${found.codeId}`,
      details: { reason: `Claim code: ${found.batch.name}`, claimBatchId: found.batch.id },
      earned: true,
      activity: true,
    });
    await tx.db.update(claimCodes).set({ entryId: result.entry.id }).where(eq(claimCodes.id, found.codeId));
    const card = result.tierSettled ? result.card : await recomputeTier(claimCtx, result.card, locked.program, result.earnedInWindow);
    return { card, value: found.batch.value, program: locked.program, entryId: result.entry.id };
  });
}

/** The card among those a browser remembers (their public tokens) that can take this code: active, of its program. */
export async function rememberedCardFor(db: Executor, tokens: string[], lookup: Pick<ClaimLookup, "batch">): Promise<Pick<Card, "id" | "publicToken" | "referralCode" | "balance"> & { name: string | null; language: string } | null> {
  if (tokens.length === 0) return null;
  const [row] = await db
    .select({ id: cards.id, publicToken: cards.publicToken, referralCode: cards.referralCode, balance: cards.balance, name: customers.name, language: customers.language })
    .from(cards)
    .innerJoin(customers, eq(customers.id, cards.customerId))
    .where(and(inArray(cards.publicToken, tokens.slice(0, 10)), eq(cards.programId, lookup.batch.programId), eq(cards.status, "active")));
  return row ?? null;
}

/** What the claim page's form sends when the browser knows no card: the join form's fields. */
export const ClaimByEmailInput = z
  .object({
    code: z.string().min(1).max(64),
    name: CustomerInput.shape.name.unwrap(),
    email: CustomerInput.shape.email,
    consent: z.literal(true, { error: "Please agree to join." }),
    marketing: z.boolean().optional(),
    language: Language.optional(),
  })
  .strict();
export type ClaimByEmailInput = z.input<typeof ClaimByEmailInput>;

export type ClaimByEmailOutcome =
  | { created: true; card: Card; value: number; program: LedgerProgram; merchantId: string }
  | { created: false; emailed: true; value: number; program: LedgerProgram; merchantId: string };

/**
 * Claims a code for whoever types an email: a newcomer joins the program and gets the card (the
 * page then shows it); an email that already has a card is credited and gets its link by email, so
 * the page never shows someone else's card. An expired or claimed code enrols no one.
 */
export async function claimByEmail(db: Executor, raw: ClaimByEmailInput, ip: string): Promise<ClaimByEmailOutcome> {
  const input = ClaimByEmailInput.parse(raw);
  await enforceRateLimit("claimIp", `join:${ip}`);
  const found = await lookupClaimCode(db, input.code);
  if (!found) throw new AppError("not_found", "This code is not valid.");
  if (found.state !== "open") throw refusal(found.state);
  if (found.program.status !== "active") throw new AppError("inactive", "This program is not running right now.");
  const ctx: Ctx = { db, merchantId: found.batch.merchantId, actor: systemActor("claim_page"), source: "claim_page" };
  const { card, customer, created } = await enroll(ctx, {
    programId: found.program.id,
    customer: { email: input.email, name: input.name, ...(input.language ? { language: input.language } : {}) },
    marketingConsent: input.marketing ?? false,
  });
  const claimed = await claimCode(db, { code: input.code, cardId: card.id, ip });
  if (created) return { created: true, card: claimed.card, value: claimed.value, program: claimed.program, merchantId: found.batch.merchantId };

  const [merchant] = await db.select({ name: merchants.name, brandColor: merchants.brandColor }).from(merchants).where(eq(merchants.id, found.batch.merchantId));
  const hour = new Date().toISOString().slice(0, 13);
  await sendEmail(db, {
    to: customer.email!,
    ...cardLinkEmail({ merchantName: merchant!.name, brandColor: merchant!.brandColor, programName: found.program.name, cardUrl: cardLinks(card).card, language: customer.language }),
    kind: "card_link",
    merchantId: found.batch.merchantId,
    dedupeKey: `card_link:${card.id}:${hour}`,
  });
  return { created: false, emailed: true, value: claimed.value, program: claimed.program, merchantId: found.batch.merchantId };
}

/** Whether a public card token names an active card (the card page telling its browser which card is its own). */
export async function isActiveCardToken(db: Executor, token: string): Promise<boolean> {
  const [card] = await db.select({ id: cards.id }).from(cards).where(and(eq(cards.publicToken, token), eq(cards.status, "active")));
  return Boolean(card);
}
