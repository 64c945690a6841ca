import { InngestTestEngine } from "@inngest/test";
import { and, eq, like } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cards, ledgerEntries, outboxEvents, payoutRuns, payouts, type PayoutRunReport } from "@/db/schema";
import { env } from "@/lib/env";
import { payoutRun } from "@/jobs/payout-run";
import { earn } from "@/lib/ledger/earn";
import { configurePayouts, markPayoutsPaid, payoutsCsv, preparePayoutRun, requestPayoutRun } from "@/lib/payouts/runs";
import { makeCard, makeMerchant, makeProgram, makeUser, type TestMerchant } from "../support/fixtures";
import { startPayoutProviderFake } from "../support/payout-provider-fake";

let provider: Awaited<ReturnType<typeof startPayoutProviderFake>>;
beforeAll(async () => {
  provider = await startPayoutProviderFake({ failRate: 0.1, timeoutRate: 0.02, hangMs: 600, seed: 7 });
  Object.assign(env, { PAYOUT_TIMEOUT_MS: 250, PAYOUT_CONCURRENCY: 8 });
});
afterAll(() => provider.close());

async function cashbackCards(m: TestMerchant, purchases: number[]) {
  const program = await makeProgram(m, { kind: "cashback", cashbackPercent: 10 });
  const list = [];
  for (const amount of purchases) {
    const card = await makeCard(m, program.id);
    if (amount > 0) await earn(m.ctx, { cardId: card.id, purchase: { amount, currency: "USD" } });
    const [fresh] = await m.db.select().from(cards).where(eq(cards.id, card.id));
    list.push(fresh!);
  }
  return { program, cards: list };
}

/** The payout events a business's webhooks would get, by type. */
async function payoutEvents(m: TestMerchant) {
  const rows = await m.db
    .select()
    .from(outboxEvents)
    .where(and(eq(outboxEvents.merchantId, m.merchantId), like(outboxEvents.type, "payout%")));
  const of = (type: string) => rows.filter((r) => r.type === type).map((r) => r.payload as Record<string, unknown>);
  return { paid: of("payout.paid"), failed: of("payout.failed"), finished: of("payout_run.finished") };
}

async function runOnce(m: TestMerchant, programId: string): Promise<{ runId: string; report: PayoutRunReport }> {
  const { run } = await requestPayoutRun(m.ctx, { programId });
  const engine = new InngestTestEngine({ function: payoutRun, events: [{ name: "payout_run.requested", data: { runId: run.id, programId, merchantId: m.merchantId } }] });
  const { result, error } = await engine.execute();
  expect(error).toBeUndefined();
  return { runId: run.id, report: result as PayoutRunReport };
}

describe("cashback payouts through the webhook provider", () => {
  it("pays every eligible card exactly once and debits the ledger once, despite failures and timeouts", async () => {
    const m = await makeMerchant();
    // 10% cashback: 120 cards over the $5 threshold, 30 under it, 10 with nothing.
    const purchases = [...Array.from({ length: 120 }, (_, i) => 5000 + i * 137), ...Array.from({ length: 30 }, (_, i) => 1000 + i * 50), ...Array(10).fill(0)];
    const { program, cards: all } = await cashbackCards(m, purchases);
    const settings = await configurePayouts(m.ctx, { programId: program.id, provider: "webhook", thresholdMinor: 500, endpointUrl: provider.url });
    // Shown once, when the secret is made; stored encrypted.
    provider.state.secret = settings.newSecret!;
    const eligible = all.filter((c) => c.balance >= 500);
    expect(eligible).toHaveLength(120);

    const first = await runOnce(m, program.id);
    expect(first.report.selected).toBe(120);
    expect(first.report.paid + first.report.failed).toBe(120);
    const paidInFirst = await m.db.select().from(payouts).where(and(eq(payouts.runId, first.runId), eq(payouts.status, "paid")));
    expect(first.report.paid).toBe(paidInFirst.length);
    expect(first.report.amountPaid).toBe(paidInFirst.reduce((s, p) => s + p.amount, 0));
    const [stored] = await m.db.select().from(payoutRuns).where(eq(payoutRuns.id, first.runId));
    expect(stored!.report).toEqual(first.report);
    expect(stored!.status).toBe(first.report.failed ? "completed_with_failures" : "completed");

    // Whatever failed is retried by the next runs; a run with nothing left pays nothing.
    let last = first.report;
    for (let i = 0; i < 3 && last.failed > 0; i++) {
      last = (await runOnce(m, program.id)).report;
      expect(last.selected).toBe(0);
    }
    expect(last.failed).toBe(0);
    const idle = await runOnce(m, program.id);
    expect(idle.report).toMatchObject({ selected: 0, retried: 0, paid: 0, failed: 0 });

    for (const card of eligible) {
      const keys = provider.keysByCard.get(card.id);
      expect(keys?.size, `card ${card.id} paid under one key`).toBe(1);
      expect(provider.paid.get([...keys!][0]!)!.amount).toBe(card.balance);
      const debits = await m.db.select().from(ledgerEntries).where(and(eq(ledgerEntries.cardId, card.id), eq(ledgerEntries.kind, "payout")));
      expect(debits.map((d) => d.amount)).toEqual([-card.balance]);
      const [now] = await m.db.select().from(cards).where(eq(cards.id, card.id));
      expect(now!.balance).toBe(0);
    }
    for (const card of all.filter((c) => c.balance < 500)) {
      expect(provider.keysByCard.has(card.id)).toBe(false);
      const [now] = await m.db.select().from(cards).where(eq(cards.id, card.id));
      expect(now!.balance).toBe(card.balance);
    }
    // Webhooks hear of each attempt's outcome once: one payout.paid per card, a payout.failed per failed
    // attempt, and one payout_run.finished per run with its report.
    const events = await payoutEvents(m);
    expect(events.paid.map((e) => e.cardId).sort()).toEqual(eligible.map((c) => c.id).sort());
    for (const card of eligible) expect(events.paid.find((e) => e.cardId === card.id)).toMatchObject({ amount: card.balance, currency: "USD", reference: expect.any(String) });
    expect(events.failed.length).toBe(events.finished.reduce((sum, e) => sum + Number(e.failed), 0));
    expect(events.finished.find((e) => e.runId === first.runId)).toMatchObject({ programId: program.id, paid: first.report.paid, failed: first.report.failed, amountPaid: first.report.amountPaid });
    expect(events.finished.find((e) => e.runId === idle.runId)).toMatchObject({ status: "completed", paid: 0 });

    // The fake really failed and timed out, the signature held, and the concurrency limit was kept.
    expect(provider.state.transient).toBeGreaterThan(0);
    expect(provider.state.timeouts).toBeGreaterThan(0);
    expect(provider.state.badSignatures).toBe(0);
    expect(provider.state.maxInFlight).toBeLessThanOrEqual(8);
  });

  it("never reserves a card twice when two runs prepare at the same time", async () => {
    const m = await makeMerchant();
    const { program, cards: all } = await cashbackCards(m, [6000, 7000, 8000, 9000]);
    await configurePayouts(m.ctx, { programId: program.id, provider: "webhook", thresholdMinor: 100, endpointUrl: provider.url });
    const a = await requestPayoutRun(m.ctx, { programId: program.id });
    const b = await requestPayoutRun(m.ctx, { programId: program.id });
    const [ra, rb] = await Promise.all([preparePayoutRun(m.db, a.run.id), preparePayoutRun(m.db, b.run.id)]);
    expect(ra.selected + rb.selected).toBe(4);
    for (const card of all) {
      const debits = await m.db.select().from(ledgerEntries).where(and(eq(ledgerEntries.cardId, card.id), eq(ledgerEntries.kind, "payout")));
      expect(debits).toHaveLength(1);
    }
  });
});

describe("manual payouts", () => {
  it("exports a CSV of the run and completes it when marked paid", async () => {
    const m = await makeMerchant();
    const { program, cards: all } = await cashbackCards(m, [6000, 200]);
    await configurePayouts(m.ctx, { programId: program.id, provider: "manual", thresholdMinor: 500 });
    const { runId, report } = await runOnce(m, program.id);
    expect(report).toMatchObject({ selected: 1, pending: 1, paid: 0 });
    const [waiting] = await m.db.select().from(payoutRuns).where(eq(payoutRuns.id, runId));
    expect(waiting!.status).toBe("awaiting_export");

    const csv = await payoutsCsv(m.ctx, runId);
    const lines = csv.trim().split("\r\n");
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain(`"${all[0]!.id}"`);
    expect(lines[1]).toContain('"600","USD","pending"');

    const staff = await makeUser(m, "staff");
    await expect(markPayoutsPaid({ ...m.ctx, actor: staff }, { runId })).rejects.toMatchObject({ code: "forbidden" });
    expect(await markPayoutsPaid(m.ctx, { runId })).toEqual({ marked: 1 });
    const [done] = await m.db.select().from(payoutRuns).where(eq(payoutRuns.id, runId));
    expect(done!.status).toBe("completed");
    // Waiting for the CSV is not finished; marking it paid is, once, with the payout.
    const events = await payoutEvents(m);
    expect(events.paid).toEqual([expect.objectContaining({ runId, cardId: all[0]!.id, amount: 600 })]);
    expect(events.finished).toEqual([expect.objectContaining({ runId, status: "completed", paid: 1, pending: 0 })]);
    const debits = await m.db.select().from(ledgerEntries).where(and(eq(ledgerEntries.cardId, all[0]!.id), eq(ledgerEntries.kind, "payout")));
    expect(debits.map((d) => d.amount)).toEqual([-600]);
  });
});
