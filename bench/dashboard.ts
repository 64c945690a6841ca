// bench/dashboard — server time of the dashboard overview for a merchant with 100,000 members and
// 1,000,000 ledger entries, beside the same page for an empty merchant, in one run (`next start`, Postgres).
import postgres from "postgres";
import { buildOnce, freshDatabase, percentile, startServer, writeResult } from "./support/server";

const MEMBERS = Number(process.env.BENCH_DASHBOARD_MEMBERS ?? 100_000);
const ENTRIES = Number(process.env.BENCH_DASHBOARD_ENTRIES ?? 1_000_000);
const REQUESTS = Number(process.env.BENCH_DASHBOARD_REQUESTS ?? 40);
const WARMUP = 5;
const TARGET_P95_MS = 300;

type Timing = { ttfb: number; full: number; bytes: number };

/** Seeds a merchant with its owner, a points program and `members` cards, set-based: seconds, not minutes. */
export async function seedMerchant(sql: postgres.Sql, label: string, members: number, entries: number) {
  const m = `mer_bench_${label}`;
  const p = `prg_bench_${label}`;
  const user = `usr_bench_${label}`;
  const token = `sess_bench_${label}_${Date.now().toString(36)}`;
  await sql`insert into merchants (id, name, currency, timezone) values (${m}, ${`Bench ${label}`}, 'USD', 'UTC')`;
  await sql`insert into users (id, email, name) values (${user}, ${`${label}@bench.test`}, 'Bench owner')`;
  await sql`insert into memberships (id, merchant_id, user_id, role) values (${`mem_bench_${label}`}, ${m}, ${user}, 'owner')`;
  await sql`insert into sessions (session_token, user_id, expires) values (${token}, ${user}, now() + interval '1 day')`;
  await sql`insert into programs (id, merchant_id, name, kind, currency, rules, expiry, design)
            values (${p}, ${m}, 'Points', 'points', 'USD', ${sql.json({ basis: "amount", rate: 1, minSpend: 0, multipliers: [], capPerTransaction: null, capPerDay: null, rounding: "floor" })},
                    ${sql.json({ kind: "never" })}, ${sql.json({ backgroundColor: "#1f2937", foregroundColor: "#ffffff", labelColor: "#d1d5db" })})`;
  if (members === 0) return { merchantId: m, cookie: `authjs.session-token=${token}` };

  await sql`insert into customers (id, merchant_id, email, name, created_at, updated_at)
            select ${`cus_${label}_`} || g, ${m}, ${`c`} || g || ${`@${label}.bench.test`}, 'Member ' || g, now() - (g % 400) * interval '1 day', now()
            from generate_series(1, ${members}) g`;
  await sql`insert into cards (id, merchant_id, program_id, customer_id, public_token, wallet_auth_token, referral_code, last_activity_at, created_at, updated_at)
            select ${`crd_${label}_`} || g, ${m}, ${p}, ${`cus_${label}_`} || g, ${`pt_${label}_`} || g, ${`wa_${label}_`} || g, ${`RC${label}`} || g,
                   now() - (g % 120) * interval '1 day', now() - (g % 400) * interval '1 day', now()
            from generate_series(1, ${members}) g`;
  // Every card gets entries/members rows: earns of 10, and one redemption of 5 in each round of ten.
  await sql`insert into ledger_entries (id, merchant_id, card_id, kind, amount, balance_after, actor_type, source, created_at)
            select ${`ent_${label}_`} || g, ${m}, ${`crd_${label}_`} || (1 + g % ${members}),
                   (case when (g / ${members}) % 10 = 0 then 'redeem' else 'earn' end)::entry_kind,
                   case when (g / ${members}) % 10 = 0 then -5 else 10 end, 0, 'system', 'seed',
                   now() - (g % 365) * interval '1 day' - (g % 1440) * interval '1 minute'
            from generate_series(1, ${entries}) g`;
  await sql`update cards c set balance = s.total, lifetime_earned = s.earned
            from (select card_id, greatest(sum(amount), 0)::int as total, sum(amount) filter (where amount > 0)::int as earned
                  from ledger_entries where merchant_id = ${m} group by card_id) s
            where s.card_id = c.id`;
  return { merchantId: m, cookie: `authjs.session-token=${token}` };
}

async function timeOnce(url: string, cookie: string): Promise<Timing> {
  const start = performance.now();
  const res = await fetch(url, { headers: { cookie }, redirect: "manual" });
  const ttfb = performance.now() - start;
  if (res.status !== 200) throw new Error(`${url} answered ${res.status} ${res.headers.get("location") ?? ""}`);
  const body = await res.arrayBuffer();
  return { ttfb, full: performance.now() - start, bytes: body.byteLength };
}

async function measure(url: string, cookie: string) {
  for (let i = 0; i < WARMUP; i++) await timeOnce(url, cookie);
  const runs: Timing[] = [];
  for (let i = 0; i < REQUESTS; i++) runs.push(await timeOnce(url, cookie));
  const stats = (k: "ttfb" | "full") => {
    const xs = runs.map((r) => r[k]).sort((a, b) => a - b);
    const round = (n: number) => Math.round(n * 10) / 10;
    return { p50: round(percentile(xs, 50)), p95: round(percentile(xs, 95)), max: round(xs.at(-1)!) };
  };
  return { requests: runs.length, ttfbMs: stats("ttfb"), fullMs: stats("full"), htmlBytes: runs[0]!.bytes };
}

export async function runDashboardBench() {
  buildOnce();
  const database = await freshDatabase("dashboard");
  const server = await startServer({ port: 3303, databaseUrl: database.url, env: { RATE_LIMIT_DISABLED: "1" } });
  const sql = postgres(database.url, { max: 2, onnotice: () => {} });
  try {
    console.log(`Seeding ${MEMBERS.toLocaleString("en")} members and ${ENTRIES.toLocaleString("en")} ledger entries…`);
    const seedStart = performance.now();
    const big = await seedMerchant(sql, "large", MEMBERS, ENTRIES);
    const empty = await seedMerchant(sql, "empty", 0, 0);
    await sql`analyze`;
    const seedSeconds = Math.round((performance.now() - seedStart) / 100) / 10;
    console.log(`Seeded in ${seedSeconds} s`);

    const url = `${server.url}/dashboard?days=30`;
    const large = await measure(url, big.cookie);
    const none = await measure(url, empty.cookie);
    const result = {
      benchmark: "dashboard",
      at: new Date().toISOString(),
      what: "GET /dashboard (overview, 30 days) as the owner, one request at a time after 5 warm-up requests (the first of which stores the finished days in dashboard_daily_stats); TTFB = response headers, full = whole HTML document",
      database: "PostgreSQL via postgres.js, next start",
      seed: { members: MEMBERS, ledgerEntries: ENTRIES, seconds: seedSeconds },
      large,
      empty: none,
      target: { largeFullP95Ms: TARGET_P95_MS, met: large.fullMs.p95 <= TARGET_P95_MS },
    };
    const file = writeResult("dashboard", result);
    console.log(JSON.stringify(result, null, 2));
    console.log(`wrote ${file}`);
    return result;
  } finally {
    await sql.end();
    await server.stop();
    await database.drop();
  }
}

if (require.main === module) void runDashboardBench();
