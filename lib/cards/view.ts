import { and, asc, desc, eq, inArray, isNotNull, sql } from "drizzle-orm";
import type { Executor } from "../../db/client";
import {
  cards,
  customers,
  ledgerEntries,
  locations,
  merchants,
  programs,
  rewards,
  vouchers,
  type Card,
  type LedgerEntry,
  type Location,
  type Merchant,
  type Program,
  type Reward,
  type Voucher,
  type LifecycleSettings,
} from "../../db/schema";
import { systemActor, type TxCtx } from "../context";
import type { Language } from "../i18n/languages";
import { earnedInWindow, earnedInWindows } from "../tiers/recompute";
import { soonestExpiries, soonestExpiry, type SoonestExpiry } from "../expiry/soonest";
import { nextTier } from "../tiers/schema";
import { rewardUnavailable } from "../rewards/availability";
import { loadAutomationSettings, loadAutomationSettingsOf } from "../lifecycle/automations";
import { referralLink } from "./links";
import { goalsForCard, goalsForCards, type GoalView } from "../goals/progress";

/** Everything a wallet pass or the card page shows about one card, read in one go. */
export type CardView = {
  card: Card;
  program: Program;
  merchant: Merchant;
  customer: { id: string; name: string | null; email: string; language: Language };
  /** Active rewards of the program, cheapest first. */
  rewards: Reward[];
  /** Up to 10 of the merchant's locations that have coordinates (Apple's limit for a pass). */
  locations: Location[];
  /** Active rewards this card may take now, balance aside: in stock, open to its tier, inside their window. */
  open: Reward[];
  /** Points programs: the cheapest reward not yet affordable that the card may take. Stamp programs: the next full card. */
  next: { title: string; remaining: number; target: number } | null;
  tier: { name: string; next: { name: string; remaining: number } | null } | null;
  /** Points programs: the points that lapse next ("50 points expire on 3 March"), or null. */
  expiring: SoonestExpiry | null;
  /** The member's share link, and what a referral gives when the program's referral automation is on (null when off). */
  referral: { link: string; offer: { referrerBonus: number; refereeBonus: number; minPurchase: number } | null };
  /** Group goals of the program running now (or reached this week), with their progress: the card page and the pass back show them. */
  goals: GoalView[];
  /** When anything on the pass last changed: Apple's Last-Modified and the update tag. */
  modifiedAt: Date;
};

const MAX_PASS_LOCATIONS = 10;

export type CardLookup = { cardId: string } | { publicToken: string };

const viewColumns = { card: cards, program: programs, merchant: merchants, customer: { id: customers.id, name: customers.name, email: customers.email, language: customers.language } };

type ViewRow = { card: Card; program: Program; merchant: Merchant; customer: CardView["customer"] };

/** Loads a card with its program, merchant and catalog; null when there is no such card. */
export async function loadCardView(db: Executor, lookup: CardLookup, now: Date = new Date()): Promise<CardView | null> {
  const where = "cardId" in lookup ? eq(cards.id, lookup.cardId) : eq(cards.publicToken, lookup.publicToken);
  const [row] = await db
    .select(viewColumns)
    .from(cards)
    .innerJoin(programs, eq(programs.id, cards.programId))
    .innerJoin(merchants, eq(merchants.id, cards.merchantId))
    .innerJoin(customers, eq(customers.id, cards.customerId))
    .where(where);
  if (!row) return null;
  const [catalog, places, expiring, automations, running] = await Promise.all([
    db
      .select()
      .from(rewards)
      .where(and(eq(rewards.programId, row.program.id), eq(rewards.active, true)))
      .orderBy(asc(rewards.cost), asc(rewards.id)),
    db
      .select()
      .from(locations)
      .where(and(eq(locations.merchantId, row.merchant.id), isNotNull(locations.latitude), isNotNull(locations.longitude)))
      .orderBy(asc(locations.createdAt), asc(locations.id))
      .limit(MAX_PASS_LOCATIONS),
    soonestExpiry(db, row.card, row.program, row.merchant, now),
    loadAutomationSettings(db, row.program.id),
    goalsForCard(db, { programId: row.program.id, cardId: row.card.id, now }),
  ]);
  return assembleView(db, row, catalog, places, expiring, now, { automations, goals: running });
}

/**
 * The views of many cards at once (a batch of wallet syncs): one read of the cards with their
 * programs, merchants and holders, one of the programs' rewards, one of the merchants' locations;
 * then per card only what is its own (the points that lapse next, the tier window). Cards that do
 * not exist are left out.
 */
export async function loadCardViews(db: Executor, cardIds: string[], now: Date = new Date()): Promise<Map<string, CardView>> {
  const views = new Map<string, CardView>();
  if (cardIds.length === 0) return views;
  const rows = await db
    .select(viewColumns)
    .from(cards)
    .innerJoin(programs, eq(programs.id, cards.programId))
    .innerJoin(merchants, eq(merchants.id, cards.merchantId))
    .innerJoin(customers, eq(customers.id, cards.customerId))
    .where(inArray(cards.id, [...new Set(cardIds)]));
  if (rows.length === 0) return views;
  const programIds = [...new Set(rows.map((r) => r.program.id))];
  const merchantIds = [...new Set(rows.map((r) => r.merchant.id))];
  const [catalog, places, automations, running] = await Promise.all([
    db
      .select()
      .from(rewards)
      .where(and(inArray(rewards.programId, programIds), eq(rewards.active, true)))
      .orderBy(asc(rewards.cost), asc(rewards.id)),
    db
      .select()
      .from(locations)
      .where(and(inArray(locations.merchantId, merchantIds), isNotNull(locations.latitude), isNotNull(locations.longitude)))
      .orderBy(asc(locations.createdAt), asc(locations.id)),
    loadAutomationSettingsOf(db, programIds),
    goalsForCards(
      db,
      rows.map((r) => ({ cardId: r.card.id, programId: r.program.id })),
      now,
    ),
  ]);
  // What is each card's own, for all of them at once: the points that lapse next, the tier window's earnings.
  const [expiring, earned] = await Promise.all([
    soonestExpiries(db, rows, now),
    earnedInWindows(
      db,
      rows.flatMap((r) => (r.program.tiers && r.card.tier ? [{ id: r.card.id, windowDays: r.program.tiers.windowDays }] : [])),
      now,
    ),
  ]);
  const built = await Promise.all(
    rows.map(async (row) =>
      assembleView(
        db,
        row,
        catalog.filter((r) => r.programId === row.program.id),
        places.filter((l) => l.merchantId === row.merchant.id).slice(0, MAX_PASS_LOCATIONS),
        expiring.get(row.card.id) ?? null,
        now,
        { automations: automations.get(row.program.id) ?? null, goals: running.get(row.card.id) ?? [] },
        earned.get(row.card.id),
      ),
    ),
  );
  for (const view of built) views.set(view.card.id, view);
  return views;
}

async function assembleView(
  db: Executor,
  row: ViewRow,
  catalog: Reward[],
  places: Location[],
  expiring: SoonestExpiry | null,
  now: Date,
  extras: { automations: LifecycleSettings | null; goals: GoalView[] },
  knownEarned?: number,
): Promise<CardView> {
  const { card, program, merchant, customer } = row;
  const { automations, goals: running } = extras;

  let tier: CardView["tier"] = null;
  if (program.tiers && card.tier) {
    const ctx = { db, merchantId: merchant.id, actor: systemActor("card-view"), source: "view" } as unknown as TxCtx;
    const earned = knownEarned ?? (await earnedInWindow(ctx, card.id, program.tiers.windowDays));
    const up = nextTier(program.tiers, earned);
    tier = { name: card.tier, next: up ? { name: up.name, remaining: up.threshold - earned } : null };
  }

  const times = [card.updatedAt, program.updatedAt, merchant.updatedAt, ...(automations ? [automations.updatedAt] : [])].map((d) => d.getTime());
  const referralOn = automations?.referralEnabled && (automations.referrerBonus > 0 || automations.refereeBonus > 0);
  return {
    card,
    program,
    merchant,
    customer,
    rewards: catalog,
    open: catalog.filter((r) => !rewardUnavailable(r, card, now)),
    locations: places,
    next: nextGoal(card, program, catalog, now),
    tier,
    expiring,
    referral: {
      link: referralLink(card),
      offer: referralOn ? { referrerBonus: automations.referrerBonus, refereeBonus: automations.refereeBonus, minPurchase: automations.referralMinPurchase } : null,
    },
    goals: running,
    modifiedAt: new Date(Math.max(...times)),
  };
}

/** What "N points to REWARD" names, on the card page and both passes. */
export function nextGoal(card: Card, program: Program, catalog: Reward[], now: Date): CardView["next"] {
  if (program.kind === "stamps" && program.stampsRequired) {
    const reward = catalog.find((r) => r.id === program.stampRewardId);
    return { title: reward?.name ?? "a full card", remaining: program.stampsRequired - card.balance, target: program.stampsRequired };
  }
  if (program.kind === "cashback") return null;
  // Name only a reward the customer can get: out of stock, another tier's or out of its dates is not a goal.
  const reward = catalog.find((r) => r.cost > card.balance && !rewardUnavailable(r, card, now));
  return reward ? { title: reward.name, remaining: reward.cost - card.balance, target: reward.cost } : null;
}

/** The card page's extra lists: recent history and vouchers still to use (or recently used). */
export async function cardActivity(db: Executor, { cardId, limit = 10 }: { cardId: string; limit?: number }): Promise<{ entries: LedgerEntry[]; vouchers: Voucher[] }> {
  const [entries, owned] = await Promise.all([
    db.select().from(ledgerEntries).where(eq(ledgerEntries.cardId, cardId)).orderBy(desc(ledgerEntries.seq)).limit(limit),
    db
      .select()
      .from(vouchers)
      .where(and(eq(vouchers.cardId, cardId), sql`(${vouchers.status} = 'issued' or ${vouchers.createdAt} > now() - interval '30 days')`))
      .orderBy(desc(vouchers.createdAt))
      .limit(20),
  ]);
  return { entries, vouchers: owned };
}
