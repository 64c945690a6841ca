import { sql, type SQL } from "drizzle-orm";
import type { SegmentCondition, SegmentDefinition } from "./schema";

/*
 * A segment definition as SQL: a condition over `c` (cards) and `cu` (their customers). Every value
 * from the definition goes in as a bound parameter (drizzle's sql`` template); nothing is spliced
 * into the text, so a tag like `'; drop table cards; --` is just a tag nobody has.
 */

export type SegmentEnv = {
  /** "Now", for visits in the last N days. */
  at: Date;
  /** The business's currency: spend counts purchases in it. */
  currency: string;
};

const DAY = 86_400_000;

const list = (values: readonly (string | number)[]) =>
  sql.join(
    values.map((v) => sql`${v}`),
    sql`, `,
  );

const since = (env: SegmentEnv, days: number) => sql`${new Date(env.at.getTime() - days * DAY).toISOString()}::timestamptz`;

/** Earn entries of the card that were not reversed afterwards: its visits. */
const visitsOf = (extra: SQL = sql`true`) =>
  sql`from ledger_entries e where e.card_id = c.id and e.kind = 'earn' and (${extra})
      and not exists (select 1 from ledger_entries r where r.reverses_entry_id = e.id)`;

function between(value: SQL, c: { min?: number; max?: number }): SQL {
  const parts: SQL[] = [];
  if (c.min !== undefined) parts.push(sql`${value} >= ${c.min}`);
  if (c.max !== undefined) parts.push(sql`${value} <= ${c.max}`);
  return parts.length ? sql.join(parts, sql` and `) : sql`true`;
}

export function conditionSql(condition: SegmentCondition, env: SegmentEnv): SQL {
  switch (condition.field) {
    case "tier":
      return sql`c.tier in (${list(condition.tiers)})`;
    case "balance":
      return between(sql`c.balance`, condition);
    case "lifetime_spend":
      return between(
        sql`(select coalesce(sum((e.details->'purchase'->>'amount')::bigint), 0)
             ${visitsOf(sql`e.details->'purchase'->>'currency' = ${env.currency}`)})`,
        condition,
      );
    case "visits":
      return between(sql`(select count(*) ${visitsOf(sql`e.created_at >= ${since(env, condition.days)}`)})`, condition);
    case "last_visit": {
      const recent = sql`exists (select 1 ${visitsOf(sql`e.created_at >= ${since(env, condition.days)}`)})`;
      return condition.op === "within" ? recent : sql`not ${recent}`;
    }
    case "birthday_month":
      return sql`extract(month from cu.birthday)::int in (${list(condition.months)})`;
    case "location":
      return sql`exists (select 1 ${visitsOf(sql`e.location_id in (${list(condition.locationIds)})`)})`;
    case "program":
      return sql`c.program_id in (${list(condition.programIds)})`;
    case "tags": {
      const tagged = sql`select t.tag from customer_tags t where t.customer_id = c.customer_id and t.tag in (${list(condition.tags)})`;
      if (condition.op === "any") return sql`exists (${tagged})`;
      if (condition.op === "none") return sql`not exists (${tagged})`;
      return sql`(select count(distinct x.tag) from (${tagged}) x) = ${new Set(condition.tags).size}`;
    }
  }
}

/** The whole definition as one condition over `c` and `cu`. */
export function definitionSql(definition: SegmentDefinition, env: SegmentEnv): SQL {
  if (definition.conditions.length === 0) return sql`true`;
  const parts = definition.conditions.map((c) => sql`(${conditionSql(c, env)})`);
  return sql.join(parts, definition.match === "all" ? sql` and ` : sql` or `);
}

/**
 * The cards of a segment: `select c.id from …` over the merchant's active cards of customers not
 * erased, optionally of one program. Tenant isolation lives here: every card is the merchant's.
 */
export function segmentCardsSql(definition: SegmentDefinition, env: SegmentEnv & { merchantId: string; programId?: string }, columns: SQL = sql`c.id`): SQL {
  return sql`select ${columns} from cards c join customers cu on cu.id = c.customer_id
    where c.merchant_id = ${env.merchantId} and c.status = 'active' and cu.erased_at is null
      ${env.programId ? sql`and c.program_id = ${env.programId}` : sql``}
      and (${definitionSql(definition, env)})`;
}
