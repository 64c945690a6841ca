/*
 * The payout run of the crash test (tests/integration/payouts-crash.test.ts), as its own process so
 * the test can SIGKILL it halfway: `seed <provider> <json destinations>`, `run <programId>` (the
 * same run every time: run key "crash-test"), `verify <programId>`. Prints one JSON line.
 * The database is the test's (DATABASE_URL, or a PGlite directory in PGLITE_DIR).
 */
import { eq, sql } from "drizzle-orm";
import { closeDb, dbReady, queryRows } from "../../db/client";
import { cards, ledgerEntries, payoutAccounts, payouts } from "../../db/schema";
import { earn } from "../../lib/ledger/earn";
import { configurePayouts, finishPayoutRun, preparePayoutRun, requestPayoutRun, sendPayoutBatch } from "../../lib/payouts/runs";
import { makeCard, makeMerchant, makeProgram } from "./fixtures";

const [mode, ...args] = process.argv.slice(2);

async function seed(provider: "stripe" | "paypal", destinations: string[]) {
  const m = await makeMerchant();
  const program = await makeProgram(m, { kind: "cashback", cashbackPercent: 10 });
  await configurePayouts(m.ctx, { programId: program.id, provider, thresholdMinor: 500 });
  const seeded = [];
  for (const [i, destination] of destinations.entries()) {
    const card = await makeCard(m, program.id, `crash-${i}-${Date.now()}@example.test`);
    await earn(m.ctx, { cardId: card.id, purchase: { amount: 10_000 + i * 100, currency: "USD" } });
    await m.db.insert(payoutAccounts).values({
      customerId: card.customerId,
      merchantId: m.merchantId,
      ...(provider === "stripe" ? { stripeAccountId: destination, stripeReady: true } : { paypalEmail: destination }),
    });
    seeded.push({ cardId: card.id, destination, amount: 1_000 + i * 10 });
  }
  return { merchantId: m.merchantId, programId: program.id, cards: seeded };
}

async function run(programId: string) {
  const db = await dbReady();
  const [program] = await queryRows<{ merchant_id: string }>(db, sql`select merchant_id from programs where id = ${programId}`);
  const ctx = { db, merchantId: program!.merchant_id, actor: { type: "system" as const, id: "crash-test" }, source: "job" };
  const { run } = await requestPayoutRun(ctx, { programId, runKey: "crash-test" });
  const prepared = await preparePayoutRun(db, run.id);
  let after = "";
  for (;;) {
    const page = await sendPayoutBatch(db, run.id, after, 10, { concurrency: 3, backoffMs: 5 });
    if (!page.lastId || page.count < 10) break;
    after = page.lastId;
  }
  return { runId: run.id, report: await finishPayoutRun(db, run.id, prepared) };
}

async function verify(programId: string) {
  const db = await dbReady();
  const rows = await db.select().from(payouts).where(eq(payouts.programId, programId));
  const programCards = await db.select().from(cards).where(eq(cards.programId, programId));
  const sums = await db
    .select({ cardId: ledgerEntries.cardId, sum: sql<number>`sum(${ledgerEntries.amount})::int` })
    .from(ledgerEntries)
    .innerJoin(cards, eq(cards.id, ledgerEntries.cardId))
    .where(eq(cards.programId, programId))
    .groupBy(ledgerEntries.cardId);
  return {
    payouts: rows.map((p) => ({ cardId: p.cardId, amount: p.amount, status: p.status, idempotencyKey: p.idempotencyKey, batch: p.providerBatchId })),
    cards: programCards.map((c) => ({ id: c.id, balance: c.balance, ledger: Number(sums.find((s) => s.cardId === c.id)?.sum ?? 0) })),
  };
}

async function main() {
  await dbReady();
  const out =
    mode === "seed" ? await seed(args[0] as "stripe" | "paypal", JSON.parse(args[1]!) as string[]) : mode === "run" ? await run(args[0]!) : mode === "verify" ? await verify(args[0]!) : null;
  if (!out) throw new Error(`unknown mode ${mode}`);
  process.stdout.write(`RESULT ${JSON.stringify(out)}\n`);
  await closeDb();
  process.exit(0);
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
