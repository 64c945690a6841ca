// bench/jobs — a cashback payout run over 10,000 eligible cards through a webhook provider that
// takes 20 ms per call, and a one-off campaign bonus to 100,000 cards, on a fresh Postgres.
// Wall time, duplicates (must be 0) and throughput go to bench/results/jobs.json.
import { performance } from "node:perf_hooks";
import { startPayoutProviderFake } from "../tests/support/payout-provider-fake";
import { freshDatabase, writeResult } from "./support/server";

const PAYOUT_CARDS = Number(process.env.BENCH_PAYOUT_CARDS ?? 10_000);
const BONUS_CARDS = Number(process.env.BENCH_BONUS_CARDS ?? 100_000);
const PROVIDER_MS = 20;

export async function runJobsBench() {
  const database = await freshDatabase("jobs");
  process.env.DATABASE_URL = database.url;
  process.env.DATABASE_POOL_MAX = "30";
  const { env } = await import("../lib/env");
  Object.assign(env, { DATABASE_URL: database.url, DATABASE_POOL_MAX: 30 });
  const { closeDb, dbReady, queryRows, sql } = await import("../db/client");
  const { merchants } = await import("../db/schema");
  const { systemActor } = await import("../lib/context");
  const { newId } = await import("../lib/ids");
  const { createProgram } = await import("../lib/programs/verbs");
  const { creditMany } = await import("../lib/ledger/bulk");
  const { configurePayouts, finishPayoutRun, preparePayoutRun, requestPayoutRun, sendPayoutBatch } = await import("../lib/payouts/runs");
  const { createCampaign } = await import("../lib/campaigns/verbs");
  const { activateCampaign } = await import("../lib/campaigns/run");

  const provider = await startPayoutProviderFake({ delayMs: PROVIDER_MS });
  try {
    const db = await dbReady();
    const merchantId = newId("mer");
    await db.insert(merchants).values({ id: merchantId, name: "Bench Jobs" });
    const ctx = { db, merchantId, actor: systemActor("bench"), source: "seed" };
    const seedCards = async (programId: string, count: number) => {
      await db.execute(sql`
        with n as (select g, ${merchantId} || '-' || ${programId} || '-' || g as k from generate_series(1, ${count}::int) g),
        cu as (insert into customers (id, merchant_id, email) select 'cus_' || md5(k), ${merchantId}, 'c' || md5(k) || '@bench.test' from n returning id)
        insert into cards (id, merchant_id, program_id, customer_id, public_token, wallet_auth_token, referral_code)
        select 'crd_' || substr(md5('c' || id), 1, 20), ${merchantId}, ${programId}, id, md5('p' || id), md5('w' || id), upper(substr(md5('r' || id), 1, 9)) from cu`);
    };

    // Payouts: 10,000 cashback cards with $10 each, threshold $5.
    const cashback = await createProgram(ctx, { name: "Cashback", kind: "cashback", cashbackPercent: 5 });
    await seedCards(cashback.id, PAYOUT_CARDS);
    await creditMany(ctx, { program: cashback, grantKey: "bench-seed", points: 1000 });
    const settings = await configurePayouts(ctx, { programId: cashback.id, provider: "webhook", thresholdMinor: 500, endpointUrl: provider.url });
    provider.state.secret = settings.secret!;
    const { run } = await requestPayoutRun(ctx, { programId: cashback.id });
    const t0 = performance.now();
    const prepared = await preparePayoutRun(db, run.id);
    const reservedMs = performance.now() - t0;
    let after = "";
    for (;;) {
      const batch = await sendPayoutBatch(db, run.id, after, 1000);
      if (!batch.lastId || batch.count < 1000) break;
      after = batch.lastId;
    }
    const report = await finishPayoutRun(db, run.id, prepared);
    const payoutMs = performance.now() - t0;
    const [ledgerDupes] = await queryRows<{ n: number }>(
      db,
      sql`select count(*)::int as n from (select card_id from ledger_entries where merchant_id = ${merchantId} and kind = 'payout' group by card_id having count(*) > 1) d`,
    );
    const providerDupes = [...provider.keysByCard.values()].filter((keys) => keys.size > 1).length;

    // Campaign: a one-off bonus of 50 points to 100,000 cards.
    const points = await createProgram(ctx, { name: "Points", kind: "points" });
    await seedCards(points.id, BONUS_CARDS);
    const campaign = await createCampaign(ctx, {
      programId: points.id,
      name: "Bench bonus",
      audience: { kind: "everyone" },
      effect: { kind: "bonus", points: 50 },
      startsAt: new Date(Date.now() - 60_000).toISOString(),
      endsAt: new Date(Date.now() + 86_400_000).toISOString(),
    });
    const t1 = performance.now();
    const activation = await activateCampaign(db, campaign.id, campaign.scheduleVersion);
    const bonusMs = performance.now() - t1;
    const [bonus] = await queryRows<{ entries: number; cards: number; dupes: number; wrong: number }>(
      db,
      sql`select count(*)::int as entries, count(distinct card_id)::int as cards,
                 (select count(*)::int from (select card_id from ledger_entries where reference = ${campaign.id} group by card_id having count(*) > 1) d) as dupes,
                 (select count(*)::int from cards where program_id = ${points.id} and balance <> 50) as wrong
          from ledger_entries where reference = ${campaign.id}`,
    );

    const result = {
      at: new Date().toISOString(),
      payouts: {
        eligibleCards: PAYOUT_CARDS,
        providerMsPerCall: PROVIDER_MS,
        concurrency: env.PAYOUT_CONCURRENCY,
        reserveMs: Math.round(reservedMs),
        wallMs: Math.round(payoutMs),
        paid: report.paid,
        failed: report.failed,
        perSecond: Math.round((report.paid / payoutMs) * 1000),
        duplicates: Number(ledgerDupes!.n) + providerDupes,
        target: ">= 200 payouts/s",
        pass: report.paid === PAYOUT_CARDS && Number(ledgerDupes!.n) + providerDupes === 0 && (report.paid / payoutMs) * 1000 >= 200,
      },
      campaignBonus: {
        cards: BONUS_CARDS,
        wallMs: Math.round(bonusMs),
        credited: activation.ok ? activation.bonusCards : 0,
        entries: Number(bonus!.entries),
        perSecond: Math.round((Number(bonus!.entries) / bonusMs) * 1000),
        duplicates: Number(bonus!.dupes),
        cardsWithWrongBalance: Number(bonus!.wrong),
        target: "<= 10 s for 100,000 cards",
        pass: Number(bonus!.cards) === BONUS_CARDS && Number(bonus!.dupes) === 0 && Number(bonus!.wrong) === 0 && bonusMs <= 10_000,
      },
    };
    const file = writeResult("jobs", result);
    console.log(JSON.stringify(result, null, 2));
    console.log(`→ ${file}`);
    return result;
  } finally {
    await provider.close();
    await closeDb();
    await database.drop();
  }
}

if (require.main === module) {
  runJobsBench().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
