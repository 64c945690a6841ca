// Set-based generator of a large merchant for bench/scale: `cards` members, ten ledger entries each,
// their lots, in a few INSERT … SELECT statements over generate_series (minutes for 1M cards and
// 10M entries, not hours). The history is one a real card could have had, so the schema's
// invariants hold — checked on a sample by checkScaleSeed():
//
//   entry  0–3  earn 10 each          balance 10, 20, 30, 40   lots 0–3 opened
//   entry  4    redeem −40            balance 0                lots 0–3 emptied, so deleted
//   entry  5–7  earn 10 each          balance 10, 20, 30       lots 5–7 opened
//   entry  8    redeem −30            balance 0                lots 5–7 emptied, so deleted
//   entry  9    earn A (10–50)        balance A                lot 9 open, remaining A
//
// So: 10 entries and one (open) lot per card (1M open lots for 1M cards), the
// card's balance = the sum of its entries = the remaining of its open lots, lifetime earned = 70 + A.
// Entries are spread over the last ~400 days (33 days apart per card), lots expire 365 days after
// they were earned (the bench program's rolling policy), so none is due today; run the expiry at
// a later instant to make them all due.
//
// Reusable: `npx tsx bench/support/scale-seed.ts <database url> <merchant id> <program id> [cards]`.
import postgres from "postgres";

export type ScaleSeed = { merchantId: string; programId: string; cards: number };

/** The id of generated card `g` (1-based): benchmarks pick cards by number. */
export const scaleCardId = (g: number) => `crd_scale${String(g).padStart(15, "0")}`;

const TABLES = ["customers", "cards", "ledger_entries", "point_lots"];

export async function seedScale(url: string, seed: ScaleSeed, log: (s: string) => void = console.log): Promise<{ seconds: number; entries: number; lots: number }> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  const t0 = performance.now();
  const step = async (label: string, run: () => Promise<unknown>) => {
    const t = performance.now();
    await run();
    log(`  ${label}: ${((performance.now() - t) / 1000).toFixed(1)} s`);
  };
  try {
    const { merchantId: m, programId: p, cards: n } = seed;
    await sql`set maintenance_work_mem = '1GB'`;
    await sql`set synchronous_commit = off`;
    await sql`set max_parallel_maintenance_workers = 2`;
    // Secondary indexes are dropped for the load and rebuilt after (a bulk build is several times
    // faster than 10M single inserts into six b-trees); constraints (primary keys, uniques) stay, and
    // so does an index a foreign key points at (cards (id, merchant_id): the ledger's key, migration 0030).
    const indexes = await sql<{ indexname: string; indexdef: string }[]>`
      select i.indexname, i.indexdef from pg_indexes i
      where i.schemaname = 'public' and i.tablename in ${sql(TABLES)}
        and not exists (select 1 from pg_constraint c where c.conname = i.indexname or c.conindid = format('%I.%I', i.schemaname, i.indexname)::regclass)`;
    for (const i of indexes) await sql.unsafe(`drop index ${i.indexname}`);
    // Foreign keys are checked per row by triggers; replica mode skips them for the load
    // (every reference points at a row generated here, and checkScaleSeed looks at a sample).
    await sql`set session_replication_role = replica`;
    const id = (prefix: string, g: string) => `'${prefix}' || lpad(${g}::text, 15, '0')`;
    await step("customers", () =>
      sql.unsafe(
        `insert into customers (id, merchant_id, email, name, created_at, updated_at)
         select ${id("cus_scale", "g")}, $1, 'm' || g || '@scale.bench.test', 'Member ' || g,
                now() - interval '400 days' + (g % 100) * interval '1 day', now()
         from generate_series(1, $2::int) g`,
        [m, n],
      ),
    );
    // Per card: t0 = its first entry, 400–301 days ago; entry i at t0 + 33·i days; A = 10 + g % 41.
    const t0Sql = `(now() - interval '400 days' + (g % 100) * interval '1 day' + (g % 1440) * interval '1 minute')`;
    const a = `(10 + g % 41)`;
    await step("cards", () =>
      sql.unsafe(
        `insert into cards (id, merchant_id, program_id, customer_id, balance, lifetime_earned, tier, public_token, wallet_auth_token, referral_code,
                            last_activity_at, created_at, updated_at)
         select ${id("crd_scale", "g")}, $1, $2, ${id("cus_scale", "g")}, ${a}, 70 + ${a}, t.name,
                md5('pt' || g), md5('wa' || g), 'S' || upper(to_hex(g)),
                ${t0Sql} + 297 * interval '1 day', ${t0Sql}, now()
         from generate_series(1, $3::int) g
         -- The tier enrolment gives (the level from 0 points; lib/cards/enroll.ts), which the history
         -- keeps: at most 120 points in any window. Without it every card's first earn in the bench
         -- also moved its tier (an update, an event and an audit row more than an everyday earn).
         left join lateral (select l->>'name' as name from programs p, jsonb_array_elements(p.tiers->'levels') l
                            where p.id = $2 and (l->>'threshold')::int = 0 limit 1) t on true
         -- The app's card ids are random (lib/ids.ts), so a range of ids is spread over the whole
         -- table, not packed on neighbouring pages as numbered ids inserted in order would be: the
         -- rows go in a shuffled order (a fixed permutation of g). With them packed, a batch that
         -- updates a range of cards (the expiry, a bonus for everyone) updated every row of its
         -- pages in one transaction, far more new row versions than a page keeps room for, and
         -- three of four became updates of all six indexes instead of heap-only ones.
         order by (g::bigint * 2654435761) % 4294967291`,
        [m, p, n],
      ),
    );
    await step("ledger_entries", () =>
      sql.unsafe(
        `insert into ledger_entries (id, merchant_id, card_id, kind, amount, balance_after, actor_type, source, created_at)
         select ${id("ent_scale", "(g * 10 + i)")}, $1, ${id("crd_scale", "g")},
                (case when i in (4, 8) then 'redeem' else 'earn' end)::entry_kind,
                case i when 4 then -40 when 8 then -30 when 9 then ${a} else 10 end,
                case when i < 4 then 10 * (i + 1) when i in (4, 8) then 0 when i < 8 then 10 * (i - 4) else ${a} end,
                'system', 'seed', ${t0Sql} + i * 33 * interval '1 day'
         from generate_series(0, 9) i, generate_series(1, $2::int) g`,
        [m, n],
      ),
    );
    await step("point_lots", () =>
      sql.unsafe(
        `insert into point_lots (id, merchant_id, card_id, entry_id, amount, remaining, expires_at, created_at)
         select ${id("lot_scale", "(g * 10 + 9)")}, $1, ${id("crd_scale", "g")}, ${id("ent_scale", "(g * 10 + 9)")}, ${a}, ${a},
                ${t0Sql} + 9 * 33 * interval '1 day' + interval '365 days', ${t0Sql} + 9 * 33 * interval '1 day'
         from generate_series(1, $2::int) g`,
        [m, n],
      ),
    );
    await sql`set session_replication_role = origin`;
    await step(`${indexes.length} indexes rebuilt`, async () => {
      for (const i of indexes) await sql.unsafe(i.indexdef);
    });
    await step("vacuum analyze", () => sql.unsafe(`vacuum analyze ${TABLES.join(", ")}`));
    return { seconds: Math.round((performance.now() - t0) / 100) / 10, entries: n * 10, lots: n };
  } finally {
    await sql.end();
  }
}

/**
 * The invariants on a random sample of generated cards: balance = sum of entries = open lots'
 * remaining, the last entry's balance_after = balance, lifetime earned = sum of positive earns,
 * no lot remaining above its amount or below zero. Returns the cards that break one (none, or the seed is wrong).
 */
export async function checkScaleSeed(url: string, merchantId: string, sample = 2000) {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const rows = await sql<{ id: string; balance: number; entries: number; lots: number; last_after: number; lifetime: number; earned: number; bad_lots: number }[]>`
      with s as (select id, balance, lifetime_earned from cards tablesample system (1) where merchant_id = ${merchantId} limit ${sample})
      select s.id, s.balance, s.lifetime_earned as lifetime,
             (select coalesce(sum(amount), 0)::int from ledger_entries e where e.card_id = s.id) as entries,
             (select coalesce(sum(amount) filter (where amount > 0 and kind in ('earn', 'bonus')), 0)::int from ledger_entries e where e.card_id = s.id) as earned,
             (select coalesce(sum(remaining), 0)::int from point_lots l where l.card_id = s.id) as lots,
             (select count(*)::int from point_lots l where l.card_id = s.id and (l.remaining < 0 or l.remaining > l.amount)) as bad_lots,
             (select balance_after from ledger_entries e where e.card_id = s.id order by seq desc limit 1) as last_after
      from s`;
    const broken = rows.filter((r) => r.balance !== r.entries || r.balance !== r.lots || r.balance !== r.last_after || r.lifetime !== r.earned || r.bad_lots > 0);
    return { sampled: rows.length, broken: broken.length, examples: broken.slice(0, 3) };
  } finally {
    await sql.end();
  }
}

if (require.main === module) {
  const [url, merchantId, programId, cards] = process.argv.slice(2);
  if (!url || !merchantId || !programId) throw new Error("usage: scale-seed.ts <database url> <merchant id> <program id> [cards]");
  void (async () => {
    const done = await seedScale(url, { merchantId, programId, cards: Number(cards ?? 1_000_000) });
    console.log(done, await checkScaleSeed(url, merchantId));
  })();
}
