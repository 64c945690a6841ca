import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { POST as earnRoute } from "@/app/api/v1/cards/[id]/earn/route";
import { POST as redeemRoute } from "@/app/api/v1/cards/[id]/redemptions/route";
import { POST as useRoute } from "@/app/api/v1/vouchers/redeem/route";
import { getDbHandle } from "@/db/client";
import { cards, ledgerEntries, outboxEvents, rewards, vouchers } from "@/db/schema";
import { earn } from "@/lib/ledger/earn";
import { countRows } from "../support/counts";
import { call, makeCard, makeMerchant, makeProgram, makeReward } from "../support/fixtures";
import { expectLedgerConsistent } from "../support/invariants";

// PGlite is a single connection: requests there are serialized and cannot race, so these run on Postgres only.
const onPostgres = (process.env.TEST_DB ?? "pglite") === "postgres";

describe.runIf(onPostgres)("concurrency on Postgres", () => {
  it("the pool really is Postgres", () => {
    expect(getDbHandle().kind).toBe("postgres");
  });

  it("50 concurrent redemptions of a reward with stock 1: exactly one voucher, 49 × out_of_stock", async () => {
    const m = await makeMerchant();
    const program = await makeProgram(m);
    const reward = await makeReward(m, program.id, 10, 1);
    const cards = [];
    for (let i = 0; i < 50; i++) {
      const card = await makeCard(m, program.id);
      await earn(m.ctx, { cardId: card.id, points: 10 });
      cards.push(card);
    }
    const results = await Promise.all(cards.map((c) => call(redeemRoute, { key: m.apiKey, params: { id: c.id }, body: { rewardId: reward.id } })));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(results.filter((r) => r.status === 409 && r.body.code === "out_of_stock")).toHaveLength(49);
    expect(await m.db.select().from(vouchers).where(eq(vouchers.merchantId, m.merchantId))).toHaveLength(1);
    const [stock] = await m.db.select({ inventory: rewards.inventory }).from(rewards).where(eq(rewards.id, reward.id));
    expect(stock!.inventory).toBe(0);
    const balances = await expectLedgerConsistent(m.db, { merchantId: m.merchantId });
    expect([...balances.values()].sort((a, b) => a - b)).toEqual([0, ...Array(49).fill(10)]);
  });

  it("one Idempotency-Key sent 20 times at once: one entry, twenty identical answers", async () => {
    const m = await makeMerchant();
    const card = await makeCard(m, (await makeProgram(m)).id);
    const results = await Promise.all(
      Array.from({ length: 20 }, () => call(earnRoute, { key: m.apiKey, params: { id: card.id }, body: { points: 15, reference: "pos-77" }, idempotencyKey: "pos-77" })),
    );
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(201));
    for (const r of results) expect(r.body).toEqual(results[0]!.body);
    expect(results.filter((r) => r.headers.get("idempotent-replayed") === "true")).toHaveLength(19);
    expect(await m.db.select().from(ledgerEntries).where(eq(ledgerEntries.cardId, card.id))).toHaveLength(1);
    expect((await countRows(m.db, m.merchantId)).idempotency_keys).toBe(1);
    expect((await expectLedgerConsistent(m.db, { cardId: card.id })).get(card.id)).toBe(15);
  });

  it("200 concurrent earns on one card: the balance is their sum", async () => {
    const m = await makeMerchant();
    const card = await makeCard(m, (await makeProgram(m)).id);
    const amounts = Array.from({ length: 200 }, (_, i) => (i % 17) + 1);
    const results = await Promise.all(amounts.map((points) => call(earnRoute, { key: m.apiKey, params: { id: card.id }, body: { points } })));
    expect(results.map((r) => r.status)).toEqual(Array(200).fill(201));
    const sum = amounts.reduce((a, b) => a + b, 0);
    expect((await expectLedgerConsistent(m.db, { cardId: card.id })).get(card.id)).toBe(sum);
    // Every answer saw a distinct balance: no two earns read the same starting point.
    expect(new Set(results.map((r) => r.body.entry.balanceAfter)).size).toBe(200);
    expect(Math.max(...results.map((r) => r.body.entry.balanceAfter))).toBe(sum);
  });

  it("one voucher used 20 times at once: exactly one success, 19 × already_redeemed, one event and one card change", async () => {
    const m = await makeMerchant();
    const program = await makeProgram(m);
    const card = await makeCard(m, program.id);
    await earn(m.ctx, { cardId: card.id, points: 100 });
    const reward = await makeReward(m, program.id, 40);
    const redeemed = await call(redeemRoute, { key: m.apiKey, params: { id: card.id }, body: { rewardId: reward.id } });
    const { code, token } = redeemed.body.voucher;
    const versionBefore = (await m.db.select({ version: cards.version }).from(cards).where(eq(cards.id, card.id)))[0]!.version;
    // Without an Idempotency-Key the route runs the redemption's one statement with no transaction around it.
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => call(useRoute, { key: m.apiKey, body: i % 2 ? { code } : { token } })));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status === 409 && r.body.code === "already_redeemed")).toHaveLength(19);
    const [row] = await m.db.select().from(vouchers).where(eq(vouchers.id, redeemed.body.voucher.id));
    expect(row!.status).toBe("redeemed");
    const events = await m.db
      .select({ payload: outboxEvents.payload })
      .from(outboxEvents)
      .where(and(eq(outboxEvents.merchantId, m.merchantId), eq(outboxEvents.type, "voucher.redeemed")));
    expect(events).toEqual([{ payload: { voucherId: row!.id, cardId: card.id, title: row!.title } }]);
    expect((await m.db.select({ version: cards.version }).from(cards).where(eq(cards.id, card.id)))[0]!.version).toBe(versionBefore + 1);
    expect((await expectLedgerConsistent(m.db, { cardId: card.id })).get(card.id)).toBe(60);
  });
});
