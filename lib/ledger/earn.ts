import { and, eq, gte, inArray, sql } from "drizzle-orm";
import { z } from "zod";
import { ledgerEntries, locations, type Card, type LedgerEntry, type Voucher, type LedgerProgram } from "../../db/schema";
import { assertCan } from "../auth/permissions";
import { campaignFactor, chargeCampaignBudget, type RunningCampaign } from "../campaigns/active";
import { rewardReferralOnFirstEarn } from "../lifecycle/referral";
import { now, withTransaction, type Ctx, type TxCtx } from "../context";
import { AppError, notFound } from "../errors";
import { EntityId } from "../ids";
import { evaluateEarn, localClock } from "../rules/evaluate";
import { recomputeTier, tierMultiplier } from "../tiers/recompute";
import { issueVoucher } from "../vouchers/issue";
import { appendEntry, appendEntryIfUnchanged, appendEntryWhileEarnable, appendKeyedIfUnchanged, lockCardWithProgram, readCardWithProgram, tierStays, type EntryInput, type KeyClaim, type LockedCard, type NewEntry } from "./core";
import { onceForKey, storedAnswer, type KeyedRequest, type Stored } from "../idempotency";
import { payDebt } from "./refund";
import { SafeText } from "../input";
import { boundLocation } from "../api-keys/scopes";
import { goalContribution } from "../goals/progress";

export const EarnInput = z
  .object({
    points: z.int().positive().max(10_000_000).optional().describe("Award exactly this many points (points programs)."),
    purchase: z
      .object({
        amount: z.int().min(0).max(1_000_000_000).describe("Purchase total in minor units (cents)."),
        currency: z.string().length(3).toUpperCase(),
      })
      .optional(),
    stamps: z.int().positive().max(100).optional().describe("Stamps to add (stamp programs)."),
    locationId: EntityId.optional(),
    reference: SafeText.max(200).optional().describe("Your receipt or order number."),
  })
  .strict()
  .refine((v) => v.points !== undefined || v.purchase !== undefined || v.stamps !== undefined, {
    message: "give points, purchase or stamps",
  });
export type EarnInput = z.infer<typeof EarnInput>;

/** Tries of the earn without a lock (earnInOneStatement) before it takes the card's lock. */
const UNLOCKED_ATTEMPTS = 2;

/** Full stamp cards turned into vouchers by one earn, at most. */
export const MAX_CARDS_PER_EARN = 50;

/** What earn takes: the card, and what to award (the API's request body). */
const EarnOnCard = EarnInput.extend({ cardId: EntityId });

export type EarnOutcome = { entry: LedgerEntry; card: Card; vouchers: Voucher[] };

/**
 * A keyed earn's answer (earnOnce), made from its outcome; `ctx` is where the earn wrote, for any
 * further read. Without a lock it is made before the write, so the entry has no `seq` yet and the
 * card is the one the write will leave (it writes only onto the row it read).
 */
export type EarnAnswer<T, S extends number = number> = (ctx: Ctx, outcome: EarnAnswered) => Promise<Stored<T, S>>;

/** What a keyed earn's answer is made from: EarnOutcome, its entry possibly not yet numbered (`seq`). */
export type EarnAnswered = { entry: NewEntry; card: Card; vouchers: Voucher[] };

/**
 * Awards points, stamps or cashback for a visit or purchase, under the program's rules. Outside a
 * transaction the everyday earn takes two round trips (earnInOneStatement); the rest, and every earn
 * inside a caller's transaction, runs under the card's lock (earnLocked).
 */
export async function earn(ctx: Ctx, raw: z.input<typeof EarnOnCard>): Promise<EarnOutcome> {
  assertCan(ctx.actor, "points:earn");
  const { cardId, input } = earnRequest(ctx, raw);
  if (!ctx.inTransaction) {
    // A write that found the card changed (a keyed or capped earn's other change at that moment; a
    // card held or moved up a tier meanwhile) gets one more try before the lock: two waits again
    // rather than the locked earn's four. Two everyday earns at once both write (earnInOneStatement).
    for (let attempt = 0; attempt < UNLOCKED_ATTEMPTS; attempt++) {
      const outcome = await earnInOneStatement(ctx, cardId, input, null);
      if (outcome === "needs lock") break;
      if (outcome !== "card changed" && outcome !== "key taken") return outcome;
    }
  }
  return withTransaction(ctx, (tx) => earnLocked(tx, cardId, input));
}

/**
 * earn at most once per Idempotency-Key, answering with what `answer` makes of the outcome, or with
 * the stored answer of the key's first request (`replayed`); the same key with another request is a
 * 409 (lib/idempotency.ts). The everyday keyed earn is two round trips, as the earn without a key:
 * the card's read, then one statement that claims the key, stores the answer and writes the entry
 * (appendKeyedIfUnchanged). Everything else takes onceForKey's transaction around the locked earn,
 * the key claimed first: an earn that needs the lock, a card that changed twice, and any error, so a
 * key already used answers with its replay even when the card can no longer earn.
 */
export async function earnOnce<T, S extends number>(ctx: Ctx, raw: z.input<typeof EarnOnCard>, keyed: KeyedRequest, answer: EarnAnswer<T, S>): Promise<Stored<T, S> & { replayed: boolean }> {
  assertCan(ctx.actor, "points:earn");
  const { cardId, input } = earnRequest(ctx, raw);
  if (!ctx.inTransaction) {
    const claim: KeyClaim = { ...keyed, answer: (made) => answer(ctx, { ...made, vouchers: [] }) };
    let taken = false;
    try {
      for (let attempt = 0; attempt < UNLOCKED_ATTEMPTS && !taken; attempt++) {
        const outcome = await earnInOneStatement(ctx, cardId, input, claim);
        if (outcome === "needs lock") break;
        if (outcome === "key taken") taken = true;
        else if (outcome !== "card changed") return { ...(outcome.answer as Stored<T, S>), replayed: false };
      }
    } catch (error) {
      // The earn's own refusal: the key, if taken, answers first (below, under the transaction).
      if (!(error instanceof AppError)) throw error;
    }
    if (taken) return storedAnswer<T, S>(ctx, keyed);
  }
  return withTransaction(ctx, (tx) => onceForKey(tx, keyed.key, keyed.hash, async () => answer(tx, await earnLocked(tx, cardId, input))));
}

function earnRequest(ctx: Ctx, raw: unknown): { cardId: string; input: EarnInput } {
  const { cardId, ...asked } = parseEarnOnCard(raw);
  return { cardId, input: { ...asked, locationId: boundLocation(ctx, asked.locationId) } };
}

/**
 * The everyday earn without a transaction: the card read without a lock, then one statement that
 * writes the entry, its lot, the card and the event, the statement being its own transaction. Two
 * waits on Postgres where the locked earn has four (begin, lock, entry, commit), and no row lock held
 * across a round trip. The statement writes only onto a card that still earns as read
 * (appendEntryWhileEarnable) when the amount depends on nothing another earn changes
 * (writesWhileEarnable), and otherwise only onto the row version read (appendEntryIfUnchanged).
 * With a `claim`, the same statement claims the Idempotency-Key and stores the answer
 * (appendKeyedIfUnchanged), where the locked earn's transaction has six waits.
 *
 * Writes nothing and says so when the earn needs more than that one statement (a budgeted campaign to
 * charge, a refund debt to pay, a full stamp card to turn into a voucher, a referral to settle, a
 * tier that may move), when the card changed after it was read, or when the key was taken. Errors
 * are those of the locked earn: the checks are the same, on the same row.
 */
async function earnInOneStatement(
  ctx: Ctx,
  cardId: string,
  input: EarnInput,
  claim: KeyClaim | null,
): Promise<(EarnOutcome & { answer?: Stored<unknown> }) | "needs lock" | "card changed" | "key taken"> {
  const read = await readCardWithProgram(ctx, cardId, { campaignsAt: now(ctx) });
  const { card, program } = read;
  assertEarnable(card, program);
  if (card.debt > 0 || card.referredByCardId !== null || read.campaigns.some(chargesBudget)) return "needs lock";
  if (input.locationId) await assertLocation(ctx, input.locationId);
  const amount = await amountToEarn(ctx, card, program, read.timezone, campaignFactor(program, read.campaigns), input);
  if (!tierStays(program, card, amount.value)) return "needs lock";
  if (program.kind === "stamps" && program.stampsRequired && card.balance + amount.value >= program.stampsRequired) return "needs lock";
  const entry = earnEntry(ctx, read, input, amount);
  const result = claim
    ? await appendKeyedIfUnchanged(ctx, read, program, entry, claim)
    : writesWhileEarnable(program, card, read.campaigns)
      ? await appendEntryWhileEarnable(ctx, card, program, entry)
      : await appendEntryIfUnchanged(ctx, read, program, entry);
  if (result === "key taken") return result;
  if (!result) return "card changed";
  return { entry: result.entry, card: result.card, vouchers: [], ...(result.answer ? { answer: result.answer } : {}) };
}

async function earnLocked(tx: TxCtx, cardId: string, input: EarnInput): Promise<EarnOutcome> {
  const locked = await lockCardWithProgram(tx, cardId, { campaignsAt: now(tx) });
  const program = locked.program;
  let card = locked.card;
  assertEarnable(card, program);
  if (input.locationId) await assertLocation(tx, input.locationId);

  let running = locked.campaigns;
  let amount = await amountToEarn(tx, card, program, locked.timezone, campaignFactor(program, running), input);
  // A multiplier with a budget pays its extra from that budget; once the budget cannot cover the
  // extra, this earn goes without that campaign.
  for (const campaign of running.filter(chargesBudget)) {
    const without = running.filter((c) => c !== campaign);
    const base = await amountToEarn(tx, card, program, locked.timezone, campaignFactor(program, without), input);
    const extra = amount.value - base.value;
    if (extra <= 0) continue;
    if (!(await chargeCampaignBudget(tx.db, tx.merchantId, campaign.id, extra))) {
      running = without;
      amount = base;
    }
  }
  const result = await appendEntry(tx, card, program, earnEntry(tx, locked, input, amount));
  card = result.card;
  // --- refund debt (lib/ledger/refund.ts): a refund that found its points spent left a debt on the
  // card row locked above; this earn pays it first, as a reverse entry after the earn. ---
  if (card.debt > 0) card = await payDebt(tx, card, program, result.entry.id);
  // --- end refund debt ---

  const vouchers: Voucher[] = [];
  if (program.kind === "stamps" && program.stampsRequired) {
    // Each full card becomes a voucher; the remainder carries over to the next card. At most
    // MAX_CARDS_PER_EARN at once: a balance raised by hand to millions of stamps must not make one
    // earn write millions of vouchers; further full cards complete on the next earns.
    const completed = Math.min(MAX_CARDS_PER_EARN, Math.floor(card.balance / program.stampsRequired));
    if (completed > 0) {
      const spent = await appendEntry(tx, card, program, {
        kind: "redeem",
        amount: -completed * program.stampsRequired,
        reference: result.entry.id,
        details: { completedCards: completed },
        activity: true,
      });
      card = spent.card;
      for (let i = 0; i < completed; i++) {
        vouchers.push(await issueVoucher(tx, card, { rewardId: program.stampRewardId, entryId: spent.entry.id, fallbackTitle: `${program.name}: full card` }));
      }
    }
  }
  const beforeReferral = card;
  card = await rewardReferralOnFirstEarn(tx, card, program, { entryId: result.entry.id, purchaseAmount: input.purchase?.amount ?? null }, locked.timezone);
  // A referral bonus adds to the window; then the tier reads it afresh. Without one, the entry's own
  // statement either read the window or found that no window moves the tier (appendEntry).
  if (card !== beforeReferral) card = await recomputeTier(tx, card, program, null);
  else if (!result.tierSettled) card = await recomputeTier(tx, card, program, result.earnedInWindow);
  return { entry: result.entry, card, vouchers };
}

/**
 * Whether the earn's amount depends on nothing that another earn on the card at the same moment
 * changes, so its write need only re-check the card's standing (appendEntryWhileEarnable) instead of
 * the whole row: no daily cap (the day's sum of entries), no campaign (a segment may read the
 * balance), not a stamp card (a full card turns into a voucher), a balance not below zero (the lot).
 * A keyed earn's answer is made before its write, so it needs the balance as read: it never does.
 */
function writesWhileEarnable(program: LedgerProgram, card: Card, campaigns: RunningCampaign[]): boolean {
  return program.kind !== "stamps" && program.rules.capPerDay === null && campaigns.length === 0 && card.balance >= 0;
}

function assertEarnable(card: Card, program: LedgerProgram) {
  if (card.status !== "active") throw new AppError("inactive", "This card is closed.");
  // A fraud flag holds the card (lib/fraud/flags.ts): a column of the row read, so no extra query.
  if (card.heldByFlagId) throw new AppError("card_held", "This card is on hold for review: no points can be added until the owner or an admin releases it.");
  if (program.status !== "active") throw new AppError("inactive", `The program is ${program.status}.`);
}

/** A running multiplier with a budget: its extra points are charged to the budget, under the card's lock. */
function chargesBudget(campaign: RunningCampaign): boolean {
  return campaign.member && campaign.budgeted && campaign.effect.kind === "multiplier";
}

/**
 * The earn's entry on the card as read, with the program's group goals counting it in the entry's
 * own statement when the read found one running (most earns find none, and their statement leaves
 * the goals' part out). A goal started between the read and the write misses this earn, as a
 * campaign does: the earn happened before it.
 */
function earnEntry(ctx: Ctx, read: Pick<LockedCard, "card" | "program" | "goalsRunning">, input: EarnInput, amount: { value: number; details: Record<string, unknown> }): EntryInput {
  const { card, program } = read;
  const alongside = read.goalsRunning
    ? [goalContribution(ctx, { cardId: card.id, programId: program.id, locationId: input.locationId, earned: amount.value, purchase: input.purchase?.amount ?? 0, at: now(ctx) })]
    : [];
  return { kind: "earn", amount: amount.value, reference: input.reference, locationId: input.locationId, details: amount.details, earned: true, activity: true, alongside };
}

const ID = /^[A-Za-z0-9_-]{1,64}$/;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && Object.getPrototypeOf(value) === Object.prototype;
}

/**
 * EarnInput.parse for the everyday bodies, checked by hand: exactly one of `purchase`, `points` or
 * `stamps`, nothing else. Zod is a visible share of an earn's CPU. What this accepts, EarnInput
 * accepts and returns alike; for anything else it returns undefined, and the caller asks zod (for
 * its answer and errors). The API route uses it as its contract's `quickBody`.
 */
export function quickEarnInput(raw: unknown): EarnInput | undefined {
  if (!isPlainObject(raw)) return undefined;
  const keys = Object.keys(raw);
  if (keys.length !== 1) return undefined;
  const { purchase, points, stamps } = raw;
  if (keys[0] === "purchase" && isPlainObject(purchase) && Object.keys(purchase).length === 2) {
    const { amount, currency } = purchase;
    if (Number.isSafeInteger(amount) && (amount as number) >= 0 && (amount as number) <= 1_000_000_000 && typeof currency === "string" && currency.length === 3) {
      return { purchase: { amount: amount as number, currency: currency.toUpperCase() } };
    }
  }
  if (keys[0] === "points" && Number.isSafeInteger(points) && (points as number) > 0 && (points as number) <= 10_000_000) return { points: points as number };
  if (keys[0] === "stamps" && Number.isSafeInteger(stamps) && (stamps as number) > 0 && (stamps as number) <= 100) return { stamps: stamps as number };
  return undefined;
}

/** EarnOnCard.parse, with the everyday bodies through quickEarnInput (the API wrapper has parsed them already). */
function parseEarnOnCard(raw: unknown): z.output<typeof EarnOnCard> {
  if (isPlainObject(raw) && typeof raw.cardId === "string" && ID.test(raw.cardId)) {
    const { cardId, ...rest } = raw;
    const quick = quickEarnInput(rest);
    if (quick) return { cardId, ...quick };
  }
  return EarnOnCard.parse(raw);
}

async function assertLocation(tx: Ctx, locationId: string) {
  const [loc] = await tx.db
    .select({ id: locations.id })
    .from(locations)
    .where(and(eq(locations.id, locationId), eq(locations.merchantId, tx.merchantId)));
  if (!loc) throw notFound("Location");
}

async function amountToEarn(tx: Ctx, card: Card, program: LedgerProgram, timezone: string, campaignMultiplier: number, input: EarnInput) {
  if (input.purchase && input.purchase.currency !== program.currency) {
    throw new AppError("invalid", `This program earns in ${program.currency}, not ${input.purchase.currency}.`, {
      errors: [{ path: "purchase.currency", message: `must be ${program.currency}` }],
    });
  }
  if (program.kind === "stamps") {
    if (input.points !== undefined) throw invalidField("points", "a stamp program takes stamps, not points");
    if (input.stamps !== undefined) {
      // Double-stamps campaigns apply to stamps too.
      const factor = campaignMultiplier;
      return { value: Math.floor(input.stamps * factor), details: factor === 1 ? { stamps: input.stamps } : { stamps: input.stamps, campaignFactor: factor } };
    }
  } else {
    if (input.stamps !== undefined) throw invalidField("stamps", "only stamp programs take stamps");
    if (input.points !== undefined) {
      if (program.kind === "cashback") throw invalidField("points", "a cashback program earns from a purchase");
      if (input.purchase) throw invalidField("points", "give points or a purchase, not both");
      return { value: input.points, details: { points: input.points } };
    }
  }

  const at = now(tx);
  const clock = localClock(at, timezone);
  const earnedToday = program.rules.capPerDay === null ? 0 : await earnedSince(tx, card.id, startOfLocalDay(at, clock.minuteOfDay));
  const result = evaluateEarn(program.rules, {
    amountMinor: input.purchase?.amount,
    currency: program.currency,
    weekday: clock.weekday,
    minuteOfDay: clock.minuteOfDay,
    locationId: input.locationId,
    tierMultiplier: tierMultiplier(program, card.tier),
    campaignMultiplier,
    earnedToday,
  });
  return {
    value: result.points,
    details: { purchase: input.purchase ?? null, base: result.base, factor: result.factor, capped: result.capped, reason: result.reason ?? null },
  };
}

function startOfLocalDay(at: Date, minuteOfDay: number): Date {
  return new Date(at.getTime() - minuteOfDay * 60_000 - at.getUTCSeconds() * 1000 - at.getUTCMilliseconds());
}

async function earnedSince(tx: Ctx, cardId: string, since: Date): Promise<number> {
  const [row] = await tx.db
    .select({ total: sql<number>`coalesce(sum(${ledgerEntries.amount}), 0)::int` })
    .from(ledgerEntries)
    .where(and(eq(ledgerEntries.cardId, cardId), inArray(ledgerEntries.kind, ["earn"]), gte(ledgerEntries.createdAt, since)));
  return Number(row?.total ?? 0);
}

function invalidField(path: string, message: string) {
  return new AppError("invalid", message, { errors: [{ path, message }] });
}
