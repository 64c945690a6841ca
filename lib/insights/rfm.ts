import { sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { queryRows } from "../../db/client";
import { assertCan, can } from "../auth/permissions";
import { now, type Ctx } from "../context";
import { EntityId } from "../ids";
import { loadProgram } from "../programs/verbs";
import type { BgNbdParams } from "./bgnbd";
import { ensureSnapshot } from "./stats";

/*
 * Recency, frequency and monetary scores of a program's members (cards), named groups, and the
 * BG/NBD churn model (bgnbd.ts) fitted to the program's own visits.
 *
 * A visit is an earn that was not reversed. Per member with at least one visit:
 *   recency   the last visit (later is better),
 *   frequency the number of visits,
 *   monetary  what they spent (purchase amounts sent with earns, in the program's currency); in a
 *             program where no earn carries an amount (stamps for a visit), the points or stamps earned.
 * Each is scored 1–5 by quintile among the program's members: score = 1 + ⌊5 · (rank − 1) / n⌋,
 * rank ascending with ties sharing the lowest rank, so equal values always score the same.
 * The group comes from R and FM = ⌈(F + M) / 2⌉ through RFM_GRID below.
 */

export const RFM_GROUPS = ["champions", "loyal", "potential", "new", "at_risk", "cant_lose", "hibernating", "lost"] as const;
export type RfmGroup = (typeof RFM_GROUPS)[number];

export const RFM_LABELS: Record<RfmGroup, { name: string; description: string }> = {
  champions: { name: "Champions", description: "Came lately, come often and spend the most" },
  loyal: { name: "Loyal", description: "Come often and spend well" },
  potential: { name: "Potential loyalists", description: "Recent members with a few visits" },
  new: { name: "New", description: "Came lately, once or twice" },
  at_risk: { name: "At risk", description: "Used to come and spend, not lately" },
  cant_lose: { name: "Can't lose", description: "Were among the best, gone quiet" },
  hibernating: { name: "Hibernating", description: "Few visits, long ago" },
  lost: { name: "Lost", description: "Lowest recency, frequency and spend" },
};

/** Group by recency score (rows, 5 to 1) and FM score (columns, 1 to 5). */
export const RFM_GRID: Record<1 | 2 | 3 | 4 | 5, [RfmGroup, RfmGroup, RfmGroup, RfmGroup, RfmGroup]> = {
  5: ["new", "potential", "potential", "champions", "champions"],
  4: ["new", "potential", "potential", "loyal", "champions"],
  3: ["hibernating", "potential", "loyal", "loyal", "loyal"],
  2: ["hibernating", "hibernating", "at_risk", "at_risk", "cant_lose"],
  1: ["lost", "lost", "at_risk", "cant_lose", "cant_lose"],
};

/** The group of a member scored (R, F, M), each 1–5. */
export function rfmGroup(r: number, f: number, m: number): RfmGroup {
  const fm = Math.ceil((f + m) / 2);
  return RFM_GRID[r as 1 | 2 | 3 | 4 | 5][fm - 1]!;
}

// RFM_GRID as a SQL CASE over columns r and fm (the grid is code, so its words are safe literals).
const groupCase = sql.raw(
  `case ${Object.entries(RFM_GRID)
    .flatMap(([r, row]) => row.map((g, i) => `when r = ${Number(r)} and fm = ${i + 1} then '${g}'`))
    .join(" ")} end`,
);

const score = (order: string) => sql.raw(`least(5, 1 + floor(5.0 * (rank() over (order by ${order}) - 1) / count(*) over ()))::int`);

/**
 * The program's members with a visit before `at`, scored: card_id, customer_id, first_visit,
 * last_visit, visits, spend, monetary, r, f, m, fm, grp. Used by the Insights page and by a
 * campaign's `rfm_group` audience, so both see the same groups.
 */
export function scoredMembersSql(programId: string, at: Date): SQL {
  const before = sql`${at.toISOString()}::timestamptz`;
  return sql`(
    with v as (
      select c.id as card_id, c.customer_id, min(e.created_at) as first_visit, max(e.created_at) as last_visit, count(*)::int as visits,
             coalesce(sum((e.details->'purchase'->>'amount')::bigint) filter (where e.details->'purchase'->>'currency' = p.currency), 0)::bigint as spend,
             coalesce(sum(e.amount), 0)::bigint as earned
      from cards c join programs p on p.id = c.program_id
      join ledger_entries e on e.card_id = c.id and e.kind = 'earn' and e.created_at < ${before}
      where c.program_id = ${programId} and c.status = 'active'
        and e.id not in (select x.reverses_entry_id from ledger_entries x
                         where x.merchant_id = (select merchant_id from programs where id = ${programId}) and x.kind = 'reverse' and x.reverses_entry_id is not null)
      group by c.id, c.customer_id
    ), m as (
      select v.*, case when max(spend) over () > 0 then spend else earned end as monetary from v
    ), s as (
      select m.*, ${score("last_visit")} as r, ${score("visits")} as f, ${score("monetary")} as m_score from m
    ), g as (
      select s.*, ((f + m_score + 1) / 2) as fm from s
    )
    select g.*, ${groupCase} as grp from g
  )`;
}

/** A campaign audience `{ kind: "rfm_group", group }`: the program's cards in that group at `at`, as a condition over alias `c`. */
export function rfmGroupAudienceSql(programId: string, group: string, at: Date): SQL {
  return sql`c.id in (select sm.card_id from ${scoredMembersSql(programId, at)} sm where sm.grp = ${group})`;
}

export type RfmMember = {
  cardId: string;
  customerId: string;
  /** The customer's name or email when the viewer may see members, else null. */
  name: string | null;
  lastVisit: Date;
  visits: number;
  /** Spend in minor units (or points/stamps earned where no amount is sent). */
  monetary: number;
  r: number;
  f: number;
  m: number;
  group: RfmGroup;
  /** P(alive) from the fitted model (null: no model yet). */
  pAlive: number | null;
  /** Expected visits in the next 90 days (null: no model yet). */
  expected90: number | null;
};

export type RfmSummary = {
  programId: string;
  currency: string;
  /** The scores are as of this moment (when the day's snapshot was made). */
  asOf: Date;
  /** Whether `monetary` is money (minor units) or points/stamps earned. */
  monetaryIsMoney: boolean;
  members: number;
  /** Members who had not visited by `asOf`: not scored. */
  withoutVisits: number;
  groups: { group: RfmGroup; name: string; description: string; members: number; avgDaysSinceVisit: number; avgVisits: number; avgMonetary: number }[];
  model: (BgNbdParams & { members: number; day: string }) | null;
  /** Expected visits of all scored members in the next 90 days. */
  expected90Total: number | null;
  atRisk: RfmMember[];
};

export const RfmQuery = z.object({ programId: EntityId, limit: z.int().min(1).max(500).default(50) }).strict();

/**
 * RFM groups of the program, its churn model and the at-risk members (at risk and can't lose,
 * best spenders first), from the day's snapshot (stats.ts; made now if this is the day's first look),
 * groups summarised there once.
 */
export async function rfmSummary(ctx: Ctx, raw: z.input<typeof RfmQuery>): Promise<RfmSummary> {
  assertCan(ctx.actor, "reports:read");
  const { programId, limit } = RfmQuery.parse(raw);
  const program = await loadProgram(ctx, programId);
  const at = now(ctx);
  const snapshot = await ensureSnapshot(ctx.db, ctx.merchantId, at);
  const showNames = can(ctx.actor, "customers:read");
  const p = program.id;
  const [summary, list, models] = await Promise.all([
    queryRows<{ grp: RfmGroup | "*"; n: number; days: number; visits: number; monetary: number; expected: number | null; spenders: boolean }>(
      ctx.db,
      sql`select grp, members as n, ((extract(epoch from ${at.toISOString()}::timestamptz) - avg_last_visit) / 86400)::float8 as days,
                 avg_visits as visits, avg_monetary as monetary, expected_90 as expected, spenders
          from insights_group_stats where merchant_id = ${ctx.merchantId} and program_id = ${p}`,
    ),
    queryRows<{ card_id: string; customer_id: string; name: string | null; last_visit_at: string | Date; visits: number; monetary: number; r: number; f: number; m: number; grp: RfmGroup; p_alive: number | null; expected_90: number | null }>(
      ctx.db,
      sql`select s.card_id, s.customer_id, ${showNames ? sql`coalesce(nullif(cu.name, ''), cu.email)` : sql`null::text`} as name,
                 s.last_visit_at, s.visits, s.monetary, s.r, s.f, s.m, s.grp, s.p_alive, s.expected_90
          from (${sql.join(
            (["at_risk", "cant_lose"] as const).map(
              // Each group's best down its index (merchant, program, group, monetary desc, last visit desc, card),
              // in its order (the columns are never null: "nulls last" only matches the index), then merged.
              (g) => sql`(select * from insights_member_scores where merchant_id = ${ctx.merchantId} and program_id = ${p} and grp = ${g}
                          order by monetary desc nulls last, last_visit_at desc nulls last, card_id limit ${limit}::int)`,
            ),
            sql` union all `,
          )}) s join customers cu on cu.id = s.customer_id
          order by s.monetary desc, s.last_visit_at desc, s.card_id limit ${limit}::int`,
    ),
    queryRows<{ r: number; alpha: number; a: number; b: number; members: number }>(
      ctx.db,
      sql`select r, alpha, a, b, members from insights_model_fits where merchant_id = ${ctx.merchantId} and program_id = ${p} and day = ${snapshot.day}::date`,
    ),
  ]);
  // Made with the snapshot (stats.ts): each group's averages, and '*' the program's members.
  const groups = summary.filter((g) => g.grp !== "*");
  const program$ = summary.find((g) => g.grp === "*");
  const counts = [{ members: Number(program$?.n ?? 0), spenders: Boolean(program$?.spenders) }];
  const scored = groups.reduce((s, g) => s + Number(g.n), 0);
  const fit = models[0];
  const model = fit ? { r: Number(fit.r), alpha: Number(fit.alpha), a: Number(fit.a), b: Number(fit.b), members: Number(fit.members), day: snapshot.day } : null;
  const nullable = (v: number | null) => (v === null ? null : Number(v));
  return {
    programId: p,
    currency: program.currency,
    asOf: snapshot.asOf,
    monetaryIsMoney: Boolean(counts[0]?.spenders),
    members: Number(counts[0]?.members ?? 0),
    withoutVisits: Math.max(0, Number(counts[0]?.members ?? 0) - scored),
    groups: RFM_GROUPS.map((g) => {
      const row = groups.find((r) => r.grp === g);
      return {
        group: g,
        ...RFM_LABELS[g],
        members: Number(row?.n ?? 0),
        avgDaysSinceVisit: Number(row?.days ?? 0),
        avgVisits: Number(row?.visits ?? 0),
        avgMonetary: Number(row?.monetary ?? 0),
      };
    }),
    model,
    expected90Total: model ? groups.reduce((s, g) => s + Number(g.expected ?? 0), 0) : null,
    atRisk: list.map((r) => ({
      cardId: r.card_id,
      customerId: r.customer_id,
      name: r.name,
      lastVisit: new Date(r.last_visit_at),
      visits: Number(r.visits),
      monetary: Number(r.monetary),
      r: Number(r.r),
      f: Number(r.f),
      m: Number(r.m),
      group: r.grp,
      pAlive: nullable(r.p_alive),
      expected90: nullable(r.expected_90),
    })),
  };
}
