import { sql, type SQL } from "drizzle-orm";
import { queryRows, type Executor } from "../../db/client";
import type { FlagRule } from "../../db/schema";
import { formatMoney } from "../money";
import { THRESHOLDS } from "./thresholds";

/*
 * The fraud and abuse rules. Each reads the ledger (or the new cards) of one business over a period
 * and returns what it would flag, with its evidence: the numbers it compared and the entries or
 * cards behind them. Rules never write; lib/fraud/flags.ts raises what they find, once per
 * (rule, subject, window), so running a rule twice over the same period raises nothing new.
 *
 * Windows: velocity counts earns per clock hour in UTC ("2026-11-30T14"); the email-pattern rule per
 * UTC day; the cashier outlier per ISO week; a large purchase and a redemption right after an earn
 * are about one entry, whose id is the window.
 */

export type Candidate = {
  rule: FlagRule;
  subjectType: "card" | "cashier" | "location" | "signup";
  subjectId: string;
  window: string;
  /** The card the flag is about, which it holds; null for a cashier, location or sign-up flag. */
  cardId: string | null;
  summary: string;
  evidence: Record<string, unknown>;
};

export type Period = { since: Date; until: Date };

const ts = (d: Date) => sql`${d.toISOString()}::timestamptz`;
const hourOf = (column: SQL) => sql`to_char(date_trunc('hour', ${column} at time zone 'UTC'), 'YYYY-MM-DD"T"HH24')`;
const inList = (column: SQL, ids: readonly string[]) =>
  sql`${column} in (${sql.join(
    ids.map((id) => sql`${id}`),
    sql`, `,
  )})`;
const EVIDENCE_ROWS = 20;
const HOUR = 3_600_000;

type Dimension = "card" | "cashier" | "location";
const VELOCITY: Record<Dimension, { rule: FlagRule; column: SQL; limit: number; what: string }> = {
  card: { rule: "card_velocity", column: sql`e.card_id`, limit: THRESHOLDS.earnsPerCardHour, what: "on one card" },
  cashier: { rule: "cashier_velocity", column: sql`case when e.actor_type in ('user', 'api_key') then e.actor_id end`, limit: THRESHOLDS.earnsPerCashierHour, what: "by one cashier" },
  location: { rule: "location_velocity", column: sql`e.location_id`, limit: THRESHOLDS.earnsPerLocationHour, what: "at one location" },
};

/**
 * More earns in one clock hour than the threshold, per card, per cashier or per location.
 *
 * With `subjects` (the cards, cashiers or locations of a batch of new entries) the subjects already
 * flagged for every hour of the period are not counted again: their flag exists, and counting a
 * busy API key's earns of the hour on every batch read more rows with every batch (in a ten-minute
 * soak at ~270 earns/s from one key, from 11 to 69 ms a call, and rising for the rest of the hour).
 * A card's earns are read through the card's index, one card at a time, not by a pass over the
 * business's hour.
 */
export async function velocity(db: Executor, merchantId: string, dimension: Dimension, period: Period, subjects?: readonly string[]): Promise<Candidate[]> {
  if (subjects && subjects.length === 0) return [];
  const { rule, column, limit, what } = VELOCITY[dimension];
  const open = subjects ? await notYetFlagged(db, merchantId, rule, period, subjects) : undefined;
  if (open && open.length === 0) return [];
  // A batch's cards: their entries through the card's index only. The business is checked on the
  // card rows, not on the entries: with `e.merchant_id` in the query, the planner took the
  // business's whole hour from (merchant_id, created_at) whenever its statistics thought the
  // current hour nearly empty, as they do for a range past the last ANALYZE.
  const byCard = dimension === "card" && open;
  const rows = await queryRows<{ subject: string; hour: string; earns: number; points: number; entries: string[]; cards: string[] }>(
    db,
    sql`select ${column} as subject, ${hourOf(sql`e.created_at`)} as hour, count(*)::int as earns, coalesce(sum(e.amount), 0)::int as points,
          (array_agg(e.id order by e.seq))[1:${EVIDENCE_ROWS}] as entries, (array_agg(distinct e.card_id))[1:${EVIDENCE_ROWS}] as cards
        from ${byCard ? sql`unnest(${sql.param([...open])}::text[]) as s(id) join cards c on c.id = s.id and c.merchant_id = ${merchantId} join ledger_entries e on e.card_id = c.id` : sql`ledger_entries e`}
        where ${byCard ? sql`true` : sql`e.merchant_id = ${merchantId}`} and e.kind = 'earn' and e.created_at >= ${ts(period.since)} and e.created_at < ${ts(period.until)}
          and ${column} is not null ${open && !byCard ? sql`and ${inList(column, open)}` : sql``}
        group by 1, 2 having count(*) > ${limit}::int`,
  );
  return rows.map((r) => ({
    rule,
    subjectType: dimension,
    subjectId: r.subject,
    window: r.hour,
    cardId: dimension === "card" ? r.subject : null,
    summary: `${r.earns} earns ${what} in the hour from ${r.hour.slice(11)}:00 UTC on ${r.hour.slice(0, 10)} (more than ${limit})`,
    evidence: { hour: `${r.hour}:00Z`, earns: r.earns, threshold: limit, points: r.points, entryIds: r.entries, cardIds: r.cards },
  }));
}

/** The clock hours (UTC, as windows are written) a period touches. */
function hoursOf(period: Period): string[] {
  const hours: string[] = [];
  for (let t = Math.floor(period.since.getTime() / HOUR) * HOUR; t < period.until.getTime(); t += HOUR) hours.push(new Date(t).toISOString().slice(0, 13));
  return hours;
}

/** `subjects` without a `rule` flag for each hour of the period (fraud_flags_window_uq answers it). */
async function notYetFlagged(db: Executor, merchantId: string, rule: FlagRule, period: Period, subjects: readonly string[]): Promise<string[]> {
  const hours = hoursOf(period);
  const flagged = await queryRows<{ subject_id: string; window: string }>(
    db,
    sql`select subject_id, "window" from fraud_flags
        where merchant_id = ${merchantId} and rule = ${rule} and subject_id = any(${sql.param([...subjects])}::text[])
          and "window" = any(${sql.param(hours)}::text[])`,
  );
  const done = new Set(flagged.map((f) => `${f.subject_id} ${f.window}`));
  return subjects.filter((s) => hours.some((h) => !done.has(`${s} ${h}`)));
}

type PurchaseStats = { currency: string; n: number; median: number; p99: number };

/**
 * From this many purchases in the 90 days before an hour, their statistics are read once per
 * business and hour in each process (`purchaseStats`); below it, on every call.
 */
export const PURCHASE_STATS_CACHE_FROM = 5_000;
const PURCHASE_STATS_CACHE_MAX = 1_000;
const purchaseStatsCache = new Map<string, PurchaseStats[]>();

/**
 * The business's purchases per currency in the 90 days before `since` (an hour's start): how many,
 * their median and 99th percentile. The fraud check asks on every batch of new entries, and the
 * percentiles sort the whole history: ~3–13 ms at a few hundred thousand purchases, a second or more
 * at millions. Entries are written at the time they are made, so the history before an hour does not
 * change during it: a large history is read once per business and hour and kept (the hours of the
 * last ~1,000 asks). A small one is read each time, as cheap as a lookup, and live for a history
 * written after the fact (the demo seed, the tests).
 */
async function purchaseStats(db: Executor, merchantId: string, since: Date): Promise<PurchaseStats[]> {
  const key = `${merchantId} ${since.toISOString()}`;
  const hit = purchaseStatsCache.get(key);
  if (hit) return hit;
  const from = new Date(since.getTime() - THRESHOLDS.largePurchaseDays * 86_400_000);
  const stats = await queryRows<PurchaseStats>(
    db,
    sql`select details->'purchase'->>'currency' as currency, count(*)::int as n,
          percentile_cont(0.5) within group (order by (details->'purchase'->>'amount')::bigint)::float8 as median,
          percentile_cont(0.99) within group (order by (details->'purchase'->>'amount')::bigint)::float8 as p99
        from ledger_entries
        where merchant_id = ${merchantId} and kind = 'earn' and details->'purchase'->>'amount' is not null
          and created_at >= ${ts(from)} and created_at < ${ts(since)}
        group by 1`,
  );
  if (stats.reduce((sum, s) => sum + s.n, 0) >= PURCHASE_STATS_CACHE_FROM) {
    if (purchaseStatsCache.size >= PURCHASE_STATS_CACHE_MAX) purchaseStatsCache.delete(purchaseStatsCache.keys().next().value!); // oldest first
    purchaseStatsCache.set(key, stats);
  }
  return stats;
}

/**
 * A purchase far above what the business usually sees: beyond both the 99th percentile and
 * `largePurchaseMedians` × the median of its purchases (same currency) in the 90 days before the
 * period, once there are at least `largePurchaseMinHistory` of them.
 */
export async function largePurchases(db: Executor, merchantId: string, period: Period, entryIds?: readonly string[]): Promise<Candidate[]> {
  if (entryIds && entryIds.length === 0) return [];
  const stats = new Map((await purchaseStats(db, merchantId, period.since)).filter((s) => s.n >= THRESHOLDS.largePurchaseMinHistory).map((s) => [s.currency, s]));
  // Without a history in any currency nothing is "unusual": no statement at all.
  if (stats.size === 0) return [];
  const limits = [...stats.values()].map((s) => ({ currency: s.currency, above: Math.max(s.p99, THRESHOLDS.largePurchaseMedians * s.median) }));
  const found = await queryRows<{ id: string; card_id: string; amount: number; currency: string; created_at: string }>(
    db,
    sql`select e.id, e.card_id, (e.details->'purchase'->>'amount')::bigint::int8 as amount, t.currency,
          to_char(e.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as created_at
        from ledger_entries e
        join json_to_recordset(${JSON.stringify(limits)}::json) as t(currency text, above float8) on t.currency = e.details->'purchase'->>'currency'
        where e.merchant_id = ${merchantId} and e.kind = 'earn' and e.details->'purchase'->>'amount' is not null
          -- A batch's own entries by id (their period is theirs by construction): a range over the
          -- period would read the business's whole hour on every batch.
          and ${entryIds ? inList(sql`e.id`, entryIds) : sql`e.created_at >= ${ts(period.since)} and e.created_at < ${ts(period.until)}`}
          and (e.details->'purchase'->>'amount')::bigint > t.above`,
  );
  const rows = found.map((r) => ({ ...r, ...stats.get(r.currency)!, currency: r.currency }));
  return rows.map((r) => {
    const amount = Number(r.amount);
    return {
      rule: "large_purchase" as const,
      subjectType: "card" as const,
      subjectId: r.card_id,
      window: r.id,
      cardId: r.card_id,
      summary: `A purchase of ${formatMoney(amount, r.currency)}, ${Math.round(amount / Math.max(1, r.median))}× the usual ${formatMoney(Math.round(r.median), r.currency)}`,
      evidence: {
        entryId: r.id,
        at: r.created_at,
        amount,
        currency: r.currency,
        median: r.median,
        p99: r.p99,
        medianFactor: THRESHOLDS.largePurchaseMedians,
        history: r.n,
        historyDays: THRESHOLDS.largePurchaseDays,
      },
    };
  });
}

/**
 * A redemption within minutes of the earn that made it possible (the balance before that earn
 * could not pay for it): points given at the counter and spent at once. Stamp cards completing
 * themselves inside an earn are not redemptions of this kind.
 */
export async function redeemAfterEarn(db: Executor, merchantId: string, period: Period, entryIds?: readonly string[]): Promise<Candidate[]> {
  if (entryIds && entryIds.length === 0) return [];
  const rows = await queryRows<{ redeem_id: string; card_id: string; redeemed: number; earn_id: string; earned: number; before: number; seconds: number; earned_by: string | null }>(
    db,
    sql`select r.id as redeem_id, r.card_id, -r.amount as redeemed, e.id as earn_id, e.amount as earned, e.balance_after - e.amount as before,
          extract(epoch from r.created_at - e.created_at)::int as seconds, e.actor_id as earned_by
        from ledger_entries r
        cross join lateral (
          select * from ledger_entries e
          where e.card_id = r.card_id and e.kind = 'earn' and e.seq < r.seq
            and e.created_at > r.created_at - make_interval(mins => ${THRESHOLDS.redeemAfterEarnMinutes}::int)
          order by e.seq desc limit 1
        ) e
        where r.merchant_id = ${merchantId} and r.kind = 'redeem' and r.details->'completedCards' is null
          and ${entryIds ? inList(sql`r.id`, entryIds) : sql`r.created_at >= ${ts(period.since)} and r.created_at < ${ts(period.until)}`}
          and e.balance_after - e.amount < -r.amount`,
  );
  return rows.map((r) => ({
    rule: "redeem_after_earn" as const,
    subjectType: "card" as const,
    subjectId: r.card_id,
    window: r.redeem_id,
    cardId: r.card_id,
    summary: `Redeemed ${r.redeemed} ${elapsed(r.seconds)} after earning ${r.earned}, which it could not have paid for before`,
    evidence: { redeemEntryId: r.redeem_id, earnEntryId: r.earn_id, redeemed: r.redeemed, earned: r.earned, balanceBeforeEarn: r.before, seconds: r.seconds, earnedBy: r.earned_by, withinMinutes: THRESHOLDS.redeemAfterEarnMinutes },
  }));
}

function elapsed(seconds: number): string {
  const s = Math.max(0, seconds);
  if (s < 60) return `${s} second${s === 1 ? "" : "s"}`;
  const m = Math.round(s / 60);
  return `${m} minute${m === 1 ? "" : "s"}`;
}

/** Many new cards joined from one address in one hour (the join page records it, lib/http/client-ip.ts). */
export async function signupsFromOneAddress(db: Executor, merchantId: string, period: Period): Promise<Candidate[]> {
  const rows = await queryRows<{ ip: string; hour: string; n: number; cards: string[] }>(
    db,
    sql`select join_ip as ip, ${hourOf(sql`created_at`)} as hour, count(*)::int as n, (array_agg(id order by created_at))[1:${EVIDENCE_ROWS}] as cards
        from cards
        where merchant_id = ${merchantId} and join_ip is not null and created_at >= ${ts(period.since)} and created_at < ${ts(period.until)}
        group by 1, 2 having count(*) >= ${THRESHOLDS.signupsPerIpHour}::int`,
  );
  return rows.map((r) => ({
    rule: "signup_burst" as const,
    subjectType: "signup" as const,
    subjectId: `ip:${r.ip}`,
    window: r.hour,
    cardId: null,
    summary: `${r.n} new cards joined from the address ${r.ip} in one hour`,
    evidence: { address: r.ip, hour: `${r.hour}:00Z`, cards: r.n, threshold: THRESHOLDS.signupsPerIpHour, cardIds: r.cards },
  }));
}

/**
 * The pattern an email address is one of: plus-addressing dropped and a counter at the end of the
 * local part dropped ("ann+7@x.test" and "ann12@x.test" are both "ann@x.test").
 */
export function emailPattern(email: string): string {
  const [local = "", domain = ""] = email.toLowerCase().split("@");
  return `${local.replace(/[+].*$/, "").replace(/[0-9]+$/, "")}@${domain}`;
}
const emailPatternSql = (column: SQL) => sql`regexp_replace(regexp_replace(split_part(lower(${column}), '@', 1), '[+].*$', ''), '[0-9]+$', '') || '@' || split_part(lower(${column}), '@', 2)`;

/** Many new cards in a day whose emails follow one pattern (ann+1@, ann+2@… or ann1@, ann2@…). */
export async function signupsWithOneEmailPattern(db: Executor, merchantId: string, at: Date): Promise<Candidate[]> {
  const since = new Date(at.getTime() - 86_400_000);
  const rows = await queryRows<{ pattern: string; n: number; emails: string[]; cards: string[] }>(
    db,
    sql`select ${emailPatternSql(sql`cu.email`)} as pattern, count(distinct cu.email)::int as n,
          (array_agg(distinct cu.email))[1:${EVIDENCE_ROWS}] as emails, (array_agg(c.id))[1:${EVIDENCE_ROWS}] as cards
        from cards c join customers cu on cu.id = c.customer_id
        where c.merchant_id = ${merchantId} and c.created_at >= ${ts(since)} and c.created_at < ${ts(at)} and cu.erased_at is null
        group by 1 having count(distinct cu.email) >= ${THRESHOLDS.signupsPerEmailPatternDay}::int`,
  );
  const day = at.toISOString().slice(0, 10);
  return rows.map((r) => ({
    rule: "signup_burst" as const,
    subjectType: "signup" as const,
    subjectId: `email:${r.pattern}`,
    window: day,
    cardId: null,
    summary: `${r.n} new cards in a day with emails like ${r.pattern}`,
    evidence: { pattern: r.pattern, since: since.toISOString(), until: at.toISOString(), cards: r.n, threshold: THRESHOLDS.signupsPerEmailPatternDay, emails: r.emails, cardIds: r.cards },
  }));
}

export type CashierActivity = {
  actorType: "user" | "api_key";
  actorId: string;
  earns: number;
  adjustments: number;
  /** Points added or taken by hand, summed as magnitudes. */
  adjustedPoints: number;
  reversals: number;
  /** Reversals of an earn within minutes of it: an undo at the counter. */
  voids: number;
};

/** What each cashier (a team member or an API key) entered in a period: earns, adjustments, reversals, voids. */
export async function cashierActivity(db: Executor, merchantId: string, period: Period): Promise<CashierActivity[]> {
  const rows = await queryRows<{ actor_type: "user" | "api_key"; actor_id: string; earns: number; adjustments: number; adjusted_points: number; reversals: number; voids: number }>(
    db,
    sql`select e.actor_type::text as actor_type, e.actor_id,
          count(*) filter (where e.kind = 'earn')::int as earns,
          count(*) filter (where e.kind = 'adjust')::int as adjustments,
          coalesce(sum(abs(e.amount)) filter (where e.kind = 'adjust'), 0)::int as adjusted_points,
          count(*) filter (where e.kind = 'reverse')::int as reversals,
          count(*) filter (where e.kind = 'reverse' and o.kind = 'earn'
                           and e.created_at - o.created_at <= make_interval(mins => ${THRESHOLDS.voidMinutes}::int))::int as voids
        from ledger_entries e left join ledger_entries o on o.id = e.reverses_entry_id
        where e.merchant_id = ${merchantId} and e.actor_type in ('user', 'api_key') and e.actor_id is not null
          and e.created_at >= ${ts(period.since)} and e.created_at < ${ts(period.until)}
        group by 1, 2 order by 1, 2`,
  );
  return rows.map((r) => ({ actorType: r.actor_type, actorId: r.actor_id, earns: r.earns, adjustments: r.adjustments, adjustedPoints: r.adjusted_points, reversals: r.reversals, voids: r.voids }));
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The ISO week of a date, "2026-W49": the cashier outlier's window. */
export function isoWeek(at: Date): string {
  const d = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
  const day = d.getUTCDay() || 7;
  d.setUTCDate(d.getUTCDate() + 4 - day);
  const yearStart = new Date(Date.UTC(d.getUTCFullYear(), 0, 1));
  const week = Math.ceil(((d.getTime() - yearStart.getTime()) / 86_400_000 + 1) / 7);
  return `${d.getUTCFullYear()}-W${String(week).padStart(2, "0")}`;
}

/**
 * A cashier whose adjustments and reversals over the last `outlierDays` are far above their peers':
 * at least `outlierMinCorrections`, and `outlierTeamFactor` × the median of the rest of the team (at
 * least 1), with two peers or more to compare with.
 */
export async function cashierOutliers(db: Executor, merchantId: string, at: Date): Promise<Candidate[]> {
  const since = new Date(at.getTime() - THRESHOLDS.outlierDays * 86_400_000);
  const team = await cashierActivity(db, merchantId, { since, until: at });
  const corrections = (c: CashierActivity) => c.adjustments + c.reversals;
  const window = isoWeek(at);
  return team.flatMap((cashier) => {
    const peers = team.filter((p) => p !== cashier);
    if (peers.length < 2) return [];
    const peerMedian = median(peers.map(corrections));
    const mine = corrections(cashier);
    if (mine < THRESHOLDS.outlierMinCorrections || mine < THRESHOLDS.outlierTeamFactor * Math.max(1, peerMedian)) return [];
    return [
      {
        rule: "cashier_outlier" as const,
        subjectType: "cashier" as const,
        subjectId: cashier.actorId,
        window,
        cardId: null,
        summary: `${mine} adjustments and reversals in ${THRESHOLDS.outlierDays} days; the rest of the team's median is ${peerMedian}`,
        evidence: {
          since: since.toISOString(),
          until: at.toISOString(),
          cashier,
          corrections: mine,
          teamMedian: peerMedian,
          factor: THRESHOLDS.outlierTeamFactor,
          team: peers.map((p) => ({ actorId: p.actorId, actorType: p.actorType, corrections: corrections(p), earns: p.earns })),
        },
      },
    ];
  });
}
