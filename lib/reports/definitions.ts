import { sql, type SQL } from "drizzle-orm";
import { queryRows, type Executor } from "../../db/client";
import { formatDecimal } from "../money";
import type { CellKind, CellValue } from "./csv";
import type { Page } from "./source";

export const REPORT_NAMES = ["members", "ledger", "vouchers", "campaigns"] as const;
export type ReportName = (typeof REPORT_NAMES)[number];

/** The period a report covers: rows created (campaigns: running) from `from` up to, not including, `to`. */
export type ReportRange = { from: Date | null; to: Date | null };

type Row = Record<string, unknown>;
export type ReportColumn = { name: string; kind: CellKind; value: (row: Row) => CellValue };

export type ReportDefinition = {
  name: ReportName;
  title: string;
  description: string;
  columns: ReportColumn[];
  /** The rows as one query; with a page, only the rows after its key, ordered by the key and limited. */
  query(merchantId: string, range: ReportRange, page: Page): SQL;
  keyOf(row: Row): string | number;
  /**
   * Fills in labels a batch of rows lacks (names, emails) from lookups cached across the batches of
   * one export, instead of joining every row to them in the query. Made once per export.
   */
  labeller?(db: Executor, merchantId: string): (rows: Row[]) => Promise<void>;
};

/** A timestamp as ISO 8601 text in UTC, made by the database: the same on both drivers. */
const iso = (column: SQL) => sql`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`;

function rangeOf(column: SQL, range: ReportRange): SQL {
  return sql`${range.from ? sql`and ${column} >= ${range.from.toISOString()}::timestamptz` : sql``} ${range.to ? sql`and ${column} < ${range.to.toISOString()}::timestamptz` : sql``}`;
}

function paged(key: SQL, page: Page): { after: SQL; tail: SQL } {
  if (!page) return { after: sql``, tail: sql`order by ${key}` };
  return { after: page.after === null ? sql`` : sql`and ${key} > ${page.after}`, tail: sql`order by ${key} limit ${page.limit}` };
}

const text = (name: string, field = name): ReportColumn => ({ name, kind: "text", value: (r) => (r[field] as string | null) ?? null });
const number = (name: string, field = name): ReportColumn => ({ name, kind: "number", value: (r) => (r[field] === null || r[field] === undefined ? null : Number(r[field])) });
const timestamp = (name: string, field = name): ReportColumn => ({ name, kind: "timestamp", value: (r) => (r[field] as string | null) ?? null });
/**
 * An amount in the program's unit: points and stamps as integers; cashback (money in minor units)
 * as a decimal in the program's currency ("12.50", "1250" for JPY) via lib/money.
 */
const inUnit = (name: string, field = name): ReportColumn => ({
  name,
  kind: "money",
  value: (r) => {
    const v = r[field];
    if (v === null || v === undefined) return null;
    return r.program_kind === "cashback" ? formatDecimal(Number(v), String(r.currency)) : Number(v);
  },
});
/** The unit amounts are in: "points", "stamps" or the currency code. */
const unit: ReportColumn = { name: "unit", kind: "text", value: (r) => (r.program_kind === "cashback" ? String(r.currency) : r.program_kind === "stamps" ? "stamps" : "points") };

const members: ReportDefinition = {
  name: "members",
  title: "Members",
  description: "One line per card: who holds it, in which program, its balance and tier, when they joined and last visited.",
  columns: [
    text("card_id"),
    text("email"),
    text("name"),
    text("program"),
    unit,
    inUnit("balance"),
    inUnit("lifetime_earned"),
    text("tier"),
    text("status"),
    timestamp("joined_at"),
    timestamp("last_activity_at"),
    timestamp("marketing_consent_at"),
  ],
  query: (merchantId, range, page) => {
    const { after, tail } = paged(sql`c.id`, page);
    return sql`select c.id as card_id, cu.email, cu.name, p.name as program, p.kind::text as program_kind, p.currency,
        c.balance, c.lifetime_earned, c.tier, c.status::text as status, ${iso(sql`c.created_at`)} as joined_at,
        ${iso(sql`c.last_activity_at`)} as last_activity_at, ${iso(sql`cu.marketing_consent_at`)} as marketing_consent_at
      from cards c join customers cu on cu.id = c.customer_id join programs p on p.id = c.program_id
      where c.merchant_id = ${merchantId} ${rangeOf(sql`c.created_at`, range)} ${after} ${tail}`;
  },
  keyOf: (r) => String(r.card_id),
};

const ledger: ReportDefinition = {
  name: "ledger",
  title: "Ledger entries",
  description: "Every balance change: earns, redemptions, adjustments, reversals, expiry, bonuses and payouts, with who made it, where, and the purchase amount sent with an earn.",
  columns: [
    number("seq"),
    text("entry_id"),
    timestamp("created_at"),
    text("kind"),
    unit,
    inUnit("amount"),
    inUnit("balance_after"),
    text("card_id"),
    text("email"),
    text("program"),
    text("actor_type"),
    text("actor"),
    text("source"),
    text("location"),
    text("reference"),
    text("reverses_entry_id"),
    {
      name: "purchase_amount",
      kind: "money",
      value: (r) => (r.purchase_amount === null || r.purchase_amount === undefined || !r.purchase_currency ? null : formatDecimal(Number(r.purchase_amount), String(r.purchase_currency))),
    },
    text("purchase_currency"),
  ],
  // The ledger's own columns only (what a million rows cost is mostly joins): card, program,
  // location and user labels come from ledgerLabels, one lookup per batch for what it has not seen.
  // The null columns are filled there (present from the start, so rows keep one shape).
  query: (merchantId, range, page) => {
    const { after, tail } = paged(sql`e.seq`, page);
    return sql`select e.seq::text as seq, e.id as entry_id, ${iso(sql`e.created_at`)} as created_at, e.kind::text as kind, e.amount, e.balance_after,
        e.card_id, null::text as email, null::text as program, null::text as program_kind, null::text as currency, e.actor_type::text as actor_type,
        e.actor_id as actor, e.source, e.location_id as location, e.reference, e.reverses_entry_id,
        (e.details->'purchase'->>'amount')::bigint as purchase_amount, e.details->'purchase'->>'currency' as purchase_currency
      from ledger_entries e
      where e.merchant_id = ${merchantId} ${rangeOf(sql`e.created_at`, range)} ${after} ${tail}`;
  },
  labeller: ledgerLabels,
  keyOf: (r) => String(r.seq),
};

/** Labels cached per export: at most this many cards (then the cache starts again), so memory stays flat. */
const CARD_LABELS_MAX = 50_000;

type CardLabel = { email: string | null; program: string; program_kind: string; currency: string };

/** The ledger export's labels: a card's holder and program, a location's name, a team member's email. */
function ledgerLabels(db: Executor, merchantId: string): (rows: Row[]) => Promise<void> {
  const cards = new Map<string, CardLabel>();
  const locations = new Map<string, string | null>();
  const users = new Map<string, string | null>();
  const ids = (set: Set<string>) => sql`(select value from json_array_elements_text(${JSON.stringify([...set])}::json))`;
  return async (rows) => {
    if (cards.size > CARD_LABELS_MAX) cards.clear();
    const newCards = new Set<string>();
    const newLocations = new Set<string>();
    const newUsers = new Set<string>();
    for (const r of rows) {
      if (!cards.has(r.card_id as string)) newCards.add(r.card_id as string);
      if (r.location !== null && !locations.has(r.location as string)) newLocations.add(r.location as string);
      if (r.actor_type === "user" && r.actor !== null && !users.has(r.actor as string)) newUsers.add(r.actor as string);
    }
    const [cardRows, locationRows, userRows] = await Promise.all([
      newCards.size === 0
        ? []
        : queryRows<CardLabel & { id: string }>(
            db,
            sql`select c.id, cu.email, p.name as program, p.kind::text as program_kind, p.currency
                from cards c join customers cu on cu.id = c.customer_id join programs p on p.id = c.program_id
                where c.merchant_id = ${merchantId} and c.id in ${ids(newCards)}`,
          ),
      newLocations.size === 0 ? [] : queryRows<{ id: string; name: string }>(db, sql`select id, name from locations where merchant_id = ${merchantId} and id in ${ids(newLocations)}`),
      newUsers.size === 0 ? [] : queryRows<{ id: string; email: string | null }>(db, sql`select id, email from users where id in ${ids(newUsers)}`),
    ]);
    for (const c of cardRows) cards.set(c.id, { email: c.email, program: c.program, program_kind: c.program_kind, currency: c.currency });
    for (const id of newLocations) locations.set(id, null);
    for (const l of locationRows) locations.set(l.id, l.name);
    for (const id of newUsers) users.set(id, null);
    for (const u of userRows) users.set(u.id, u.email);
    for (const r of rows) {
      const card = cards.get(r.card_id as string);
      if (card) {
        r.email = card.email;
        r.program = card.program;
        r.program_kind = card.program_kind;
        r.currency = card.currency;
      }
      if (r.location !== null) r.location = locations.get(r.location as string) ?? null;
      if (r.actor_type === "user" && r.actor !== null) r.actor = users.get(r.actor as string) ?? r.actor;
    }
  };
}

const vouchers: ReportDefinition = {
  name: "vouchers",
  title: "Vouchers",
  description: "Every voucher issued: its code, reward, holder, status, and when and where it was used.",
  columns: [
    text("voucher_id"),
    text("code"),
    text("title"),
    text("status"),
    text("card_id"),
    text("email"),
    text("program"),
    timestamp("issued_at"),
    timestamp("expires_at"),
    timestamp("redeemed_at"),
    text("redeemed_by"),
    text("redeemed_location"),
  ],
  query: (merchantId, range, page) => {
    const { after, tail } = paged(sql`v.id`, page);
    return sql`select v.id as voucher_id, v.code, v.title, v.status::text as status, v.card_id, cu.email, p.name as program,
        ${iso(sql`v.created_at`)} as issued_at, ${iso(sql`v.expires_at`)} as expires_at, ${iso(sql`v.redeemed_at`)} as redeemed_at,
        coalesce(u.email, v.redeemed_by) as redeemed_by, l.name as redeemed_location
      from vouchers v
        join cards c on c.id = v.card_id
        join customers cu on cu.id = c.customer_id
        join programs p on p.id = c.program_id
        left join locations l on l.id = v.redeemed_location_id
        left join users u on u.id = v.redeemed_by
      where v.merchant_id = ${merchantId} ${rangeOf(sql`v.created_at`, range)} ${after} ${tail}`;
  },
  keyOf: (r) => String(r.voucher_id),
};

/*
 * One line per campaign that ran in the period, measured as lib/campaigns/results.ts measures one:
 * the audience's earns and bonuses inside the campaign's window (cut short by a cancel), the bonuses
 * it granted, and redemptions inside the window against the same length of time just before it.
 */
const campaigns: ReportDefinition = {
  name: "campaigns",
  title: "Campaign results",
  description: "Each campaign that ran in the period: participants, points issued, bonuses, redemptions against the period before, budget and spend.",
  columns: [
    text("campaign_id"),
    text("name"),
    text("program"),
    text("status"),
    text("effect"),
    timestamp("starts_at"),
    timestamp("ends_at"),
    number("participants"),
    unit,
    inUnit("points_issued"),
    inUnit("bonus_points"),
    number("redemptions"),
    number("redemptions_before"),
    inUnit("budget"),
    inUnit("spent"),
  ],
  query: (merchantId, range, page) => {
    const { after, tail } = paged(sql`c.id`, page);
    const overlap = sql`${range.to ? sql`and c.starts_at < ${range.to.toISOString()}::timestamptz` : sql``} ${range.from ? sql`and c.ends_at >= ${range.from.toISOString()}::timestamptz` : sql``}`;
    return sql`select c.id as campaign_id, c.name, p.name as program, p.kind::text as program_kind, p.currency, c.status::text as status,
        c.effect->>'kind' as effect, ${iso(sql`c.starts_at`)} as starts_at, ${iso(sql`c.ends_at`)} as ends_at, c.budget, c.spent,
        r.participants, r.points_issued, r.redemptions, r.redemptions_before,
        (select coalesce(sum(g.points), 0)::int from bonus_grants g where g.key = 'campaign:' || c.id) as bonus_points
      from campaigns c
        join programs p on p.id = c.program_id
        cross join lateral (
          select
            count(distinct e.card_id) filter (where e.kind in ('earn', 'bonus') and e.created_at >= c.starts_at)::int as participants,
            coalesce(sum(e.amount) filter (where e.kind in ('earn', 'bonus') and e.created_at >= c.starts_at), 0)::int as points_issued,
            count(*) filter (where e.kind = 'redeem' and e.created_at >= c.starts_at)::int as redemptions,
            count(*) filter (where e.kind = 'redeem' and e.created_at < c.starts_at)::int as redemptions_before
          from ledger_entries e
          where e.merchant_id = c.merchant_id
            and e.created_at >= c.starts_at - (greatest(least(c.ends_at, coalesce(c.cancelled_at, c.ends_at)), c.starts_at) - c.starts_at)
            and e.created_at < greatest(least(c.ends_at, coalesce(c.cancelled_at, c.ends_at)), c.starts_at)
            and (case when c.audience->>'kind' = 'everyone'
                      then exists (select 1 from cards ac where ac.id = e.card_id and ac.program_id = c.program_id)
                      else exists (select 1 from campaign_members cm where cm.campaign_id = c.id and cm.card_id = e.card_id) end)
        ) r
      where c.merchant_id = ${merchantId} and c.status <> 'draft' ${overlap} ${after} ${tail}`;
  },
  keyOf: (r) => String(r.campaign_id),
};

export const REPORTS: Record<ReportName, ReportDefinition> = { members, ledger, vouchers, campaigns };
