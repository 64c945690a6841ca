import { and, desc, eq, inArray, isNull, sql } from "drizzle-orm";
import { z } from "zod";
import { queryRows, type Executor } from "../../db/client";
import { cards, customers, fraudFlags, ledgerEntries, users, type FlagRule, type FraudFlag } from "../../db/schema";
import { audit } from "../audit/log";
import { assertCan } from "../auth/permissions";
import { now, systemActor, withTransaction, type Ctx } from "../context";
import { AppError, notFound } from "../errors";
import { EntityId, newId } from "../ids";
import { SafeMultilineText } from "../input";
import { recordEvents } from "../outbox";
import {
  cashierActivity,
  cashierOutliers,
  largePurchases,
  median,
  redeemAfterEarn,
  signupsFromOneAddress,
  signupsWithOneEmailPattern,
  velocity,
  type CashierActivity,
  type Candidate,
  type Period,
} from "./rules";
import { THRESHOLDS } from "./thresholds";

/** Rules about one card hold it when they fire: its earns are refused until someone reviews the flag. */
const HOLDING_RULES: ReadonlySet<FlagRule> = new Set(["card_velocity", "large_purchase", "redeem_after_earn"]);

export const RULE_LABELS: Record<FlagRule, string> = {
  card_velocity: "Many earns on one card",
  cashier_velocity: "Many earns by one cashier",
  location_velocity: "Many earns at one location",
  large_purchase: "Purchase far above usual",
  signup_burst: "Many new cards from one source",
  redeem_after_earn: "Redeemed right after earning",
  cashier_outlier: "Corrections far above the team",
};

const HOUR = 3_600_000;

/**
 * Raises what the rules found, once per (rule, subject, window): a candidate already raised is
 * skipped, so evaluating the same entries or sweeping the same hour twice raises nothing new. A
 * card flag holds its card (if no other flag holds it). Each new flag records `flag.raised`.
 */
export async function raiseFlags(db: Executor, merchantId: string, candidates: Candidate[], at = new Date()): Promise<FraudFlag[]> {
  if (candidates.length === 0) return [];
  const ctx: Ctx = { db, merchantId, actor: systemActor("fraud"), source: "job", now: () => at };
  return withTransaction(ctx, async (tx) => {
    const raised: FraudFlag[] = [];
    for (const c of candidates) {
      const [flag] = await tx.db
        .insert(fraudFlags)
        .values({ id: newId("flg"), merchantId, rule: c.rule, subjectType: c.subjectType, subjectId: c.subjectId, window: c.window, cardId: c.cardId, summary: c.summary, evidence: c.evidence, createdAt: at })
        .onConflictDoNothing()
        .returning();
      if (!flag) continue;
      let held = false;
      if (c.cardId && HOLDING_RULES.has(c.rule)) {
        const updated = await tx.db
          .update(cards)
          .set({ heldByFlagId: flag.id })
          .where(and(eq(cards.id, c.cardId), eq(cards.merchantId, merchantId), isNull(cards.heldByFlagId)))
          .returning({ id: cards.id });
        held = updated.length > 0;
        if (held) await audit(tx.db, merchantId, tx.actor, "card.held", { type: "card", id: c.cardId }, { flagId: flag.id, rule: c.rule });
      }
      await recordEvents(tx.db, merchantId, [
        { type: "flag.raised", payload: { flagId: flag.id, rule: flag.rule, subjectType: flag.subjectType, subjectId: flag.subjectId, cardId: flag.cardId, held, summary: flag.summary } },
      ]);
      raised.push(flag);
    }
    return raised;
  });
}

/**
 * The rules about these entries, right after they were written (the fraud-check job, on
 * `card.balance_changed`): velocity of their cards, cashiers and locations in their hours, a large
 * purchase among them, a redemption right after an earn.
 */
export async function evaluateEntries(db: Executor, merchantId: string, entryIds: readonly string[], at = new Date()): Promise<FraudFlag[]> {
  if (entryIds.length === 0) return [];
  const entries = await db
    .select({ id: ledgerEntries.id, cardId: ledgerEntries.cardId, kind: ledgerEntries.kind, actorType: ledgerEntries.actorType, actorId: ledgerEntries.actorId, locationId: ledgerEntries.locationId, createdAt: ledgerEntries.createdAt })
    .from(ledgerEntries)
    .where(and(eq(ledgerEntries.merchantId, merchantId), inArray(ledgerEntries.id, [...entryIds])));
  if (entries.length === 0) return [];
  const hours = entries.map((e) => Math.floor(e.createdAt.getTime() / HOUR) * HOUR);
  const period: Period = { since: new Date(Math.min(...hours)), until: new Date(Math.max(...hours) + HOUR) };
  const earns = entries.filter((e) => e.kind === "earn");
  const unique = (xs: (string | null)[]) => [...new Set(xs.filter((x): x is string => Boolean(x)))];
  const cashiers = unique(earns.filter((e) => e.actorType === "user" || e.actorType === "api_key").map((e) => e.actorId));
  const candidates = [
    ...(await velocity(db, merchantId, "card", period, unique(earns.map((e) => e.cardId)))),
    ...(await velocity(db, merchantId, "cashier", period, cashiers)),
    ...(await velocity(db, merchantId, "location", period, unique(earns.map((e) => e.locationId)))),
    ...(await largePurchases(db, merchantId, period, earns.map((e) => e.id))),
    ...(await redeemAfterEarn(db, merchantId, period, entries.filter((e) => e.kind === "redeem").map((e) => e.id))),
  ];
  return raiseFlags(db, merchantId, candidates, at);
}

/**
 * Every rule over the last two clock hours, plus the sign-up patterns of the last day and the
 * cashier outliers of the last 30 days: the hourly sweep, which also catches what an event missed.
 */
export async function sweepFlags(db: Executor, merchantId: string, at = new Date()): Promise<FraudFlag[]> {
  const period: Period = { since: new Date(Math.floor(at.getTime() / HOUR) * HOUR - HOUR), until: at };
  const candidates = [
    ...(await velocity(db, merchantId, "card", period)),
    ...(await velocity(db, merchantId, "cashier", period)),
    ...(await velocity(db, merchantId, "location", period)),
    ...(await largePurchases(db, merchantId, period)),
    ...(await redeemAfterEarn(db, merchantId, period)),
    ...(await signupsFromOneAddress(db, merchantId, period)),
    ...(await signupsWithOneEmailPattern(db, merchantId, at)),
    ...(await cashierOutliers(db, merchantId, at)),
  ];
  return raiseFlags(db, merchantId, candidates, at);
}

/** Businesses with ledger entries or new cards since `since`: the ones the sweep looks at. */
export async function merchantsToSweep(db: Executor, since: Date): Promise<string[]> {
  const rows = await queryRows<{ merchant_id: string }>(
    db,
    sql`select distinct merchant_id from ledger_entries where created_at >= ${since.toISOString()}::timestamptz
        union select distinct merchant_id from cards where created_at >= ${since.toISOString()}::timestamptz`,
  );
  return rows.map((r) => r.merchant_id);
}

export type FlagRow = FraudFlag & { label: string; cardHeld: boolean; customerId: string | null; customerEmail: string | null; subjectLabel: string; resolvedByEmail: string | null };

export const ListFlagsInput = z.object({ status: z.enum(["open", "resolved", "all"]).default("open") }).strict();

/** The Flags page: flags newest first, open ones or resolved ones, with what each is about in words. */
export async function listFlags(ctx: Ctx, raw: z.input<typeof ListFlagsInput> = {}): Promise<FlagRow[]> {
  assertCan(ctx.actor, "flags:read");
  const { status } = ListFlagsInput.parse(raw);
  const where =
    status === "open" ? eq(fraudFlags.status, "open") : status === "resolved" ? inArray(fraudFlags.status, ["confirmed", "dismissed"]) : undefined;
  const rows = await ctx.db
    .select({ flag: fraudFlags, heldBy: cards.heldByFlagId, customerId: cards.customerId, email: customers.email })
    .from(fraudFlags)
    .leftJoin(cards, eq(cards.id, fraudFlags.cardId))
    .leftJoin(customers, eq(customers.id, cards.customerId))
    .where(and(eq(fraudFlags.merchantId, ctx.merchantId), where))
    .orderBy(desc(fraudFlags.createdAt), desc(fraudFlags.id))
    .limit(200);
  const people = await emailsOf(ctx.db, [...rows.flatMap((r) => [r.flag.subjectType === "cashier" ? r.flag.subjectId : null, r.flag.resolvedBy])]);
  return rows.map(({ flag, heldBy, customerId, email }) => ({
    ...flag,
    label: RULE_LABELS[flag.rule],
    cardHeld: heldBy === flag.id,
    customerId,
    customerEmail: email,
    resolvedByEmail: flag.resolvedBy ? (people.get(flag.resolvedBy) ?? null) : null,
    subjectLabel:
      flag.subjectType === "card"
        ? `Card of ${email ?? flag.subjectId}`
        : flag.subjectType === "cashier"
          ? `Cashier ${people.get(flag.subjectId) ?? flag.subjectId}`
          : flag.subjectType === "location"
            ? `Location ${flag.subjectId}`
            : flag.subjectId.replace(/^ip:/, "Address ").replace(/^email:/, "Emails like "),
  }));
}

async function emailsOf(db: Executor, ids: (string | null)[]): Promise<Map<string, string>> {
  const wanted = [...new Set(ids.filter((x): x is string => Boolean(x)))];
  if (wanted.length === 0) return new Map();
  const rows = await db.select({ id: users.id, email: users.email }).from(users).where(inArray(users.id, wanted));
  return new Map(rows.flatMap((r) => (r.email ? [[r.id, r.email] as const] : [])));
}

export const ResolveFlagInput = z
  .object({
    flagId: EntityId,
    action: z.enum(["dismiss", "confirm", "release", "hold"]).describe("dismiss: a false alarm (releases its hold); confirm: abuse (the hold stays); release: lift the hold; hold: hold the card"),
    note: SafeMultilineText.trim().max(500).optional(),
  })
  .strict();

/**
 * Acts on a flag, with an audit entry: dismiss it (a false alarm: its hold on the card is lifted),
 * confirm it (the card stays held until released), release the card it holds, or hold the card of a
 * flag that does not hold it yet.
 */
export async function resolveFlag(ctx: Ctx, raw: z.input<typeof ResolveFlagInput>): Promise<FraudFlag & { cardHeld: boolean }> {
  assertCan(ctx.actor, "flags:resolve");
  const input = ResolveFlagInput.parse(raw);
  return withTransaction(ctx, async (tx) => {
    const [flag] = await tx.db
      .select()
      .from(fraudFlags)
      .where(and(eq(fraudFlags.id, input.flagId), eq(fraudFlags.merchantId, ctx.merchantId)))
      .for("update");
    if (!flag) throw notFound("Flag");
    const at = now(tx);
    const [card] = flag.cardId
      ? await tx.db
          .select({ id: cards.id, heldBy: cards.heldByFlagId })
          .from(cards)
          .where(and(eq(cards.id, flag.cardId), eq(cards.merchantId, ctx.merchantId)))
          .for("update")
      : [];
    let heldBy = card?.heldBy ?? null;
    const setHold = async (value: string | null) => {
      await tx.db.update(cards).set({ heldByFlagId: value }).where(eq(cards.id, card!.id));
      heldBy = value;
    };

    let updated: FraudFlag | undefined = flag;
    switch (input.action) {
      case "dismiss":
      case "confirm": {
        if (flag.status !== "open") throw new AppError("conflict", `This flag was already ${flag.status}.`);
        [updated] = await tx.db
          .update(fraudFlags)
          .set({ status: input.action === "dismiss" ? "dismissed" : "confirmed", resolvedAt: at, resolvedBy: ctx.actor.id, resolutionNote: input.note ?? null })
          .where(eq(fraudFlags.id, flag.id))
          .returning();
        if (input.action === "dismiss" && card && heldBy === flag.id) await setHold(null);
        break;
      }
      case "release": {
        if (!card || heldBy !== flag.id) throw new AppError("conflict", "This flag holds no card.");
        await setHold(null);
        break;
      }
      case "hold": {
        if (!card) throw new AppError("conflict", "This flag is not about a card.");
        if (heldBy === flag.id) break;
        if (heldBy) throw new AppError("conflict", "Another flag already holds this card.");
        await setHold(flag.id);
        break;
      }
    }
    await audit(tx.db, ctx.merchantId, ctx.actor, `flag.${input.action}`, { type: "fraud_flag", id: flag.id }, {
      rule: flag.rule,
      subject: flag.subjectId,
      ...(card ? { cardId: card.id, cardHeld: heldBy === flag.id } : {}),
      ...(input.note ? { note: input.note } : {}),
    });
    return { ...(updated ?? flag), cardHeld: heldBy === flag.id };
  });
}

export type StaffRow = CashierActivity & { label: string; corrections: number; teamMedian: number; ratio: number | null };

/** The staff view: each cashier's earns, adjustments, reversals and voids over the last days, against the team's median. */
export async function staffActivity(ctx: Ctx, { days = THRESHOLDS.outlierDays }: { days?: number } = {}): Promise<{ since: Date; rows: StaffRow[]; teamMedian: number }> {
  assertCan(ctx.actor, "flags:read");
  const until = now(ctx);
  const since = new Date(until.getTime() - days * 86_400_000);
  const team = await cashierActivity(ctx.db, ctx.merchantId, { since, until });
  const names = await emailsOf(ctx.db, team.filter((c) => c.actorType === "user").map((c) => c.actorId));
  const teamMedian = median(team.map((c) => c.adjustments + c.reversals));
  const rows = team
    .map((c) => {
      const corrections = c.adjustments + c.reversals;
      return {
        ...c,
        label: c.actorType === "api_key" ? `API key ${c.actorId}` : (names.get(c.actorId) ?? c.actorId),
        corrections,
        teamMedian,
        // Against the median as the outlier rule counts it (at least 1); null with no one to compare with.
        ratio: team.length > 1 ? corrections / Math.max(1, teamMedian) : null,
      };
    })
    .sort((a, b) => b.corrections - a.corrections || a.label.localeCompare(b.label));
  return { since, rows, teamMedian };
}
