import { describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { DELETE as removeCard, GET as getCard } from "@/app/api/v1/cards/[id]/route";
import { auditLog, outboxEvents, vouchers } from "@/db/schema";
import { redeemReward } from "@/lib/rewards/redeem";
import { GET as transactionsRoute } from "@/app/api/v1/cards/[id]/transactions/route";
import { POST as enrollRoute } from "@/app/api/v1/cards/route";
import { verifyQr } from "@/lib/tokens/qr";
import { earn } from "@/lib/ledger/earn";
import { countRows } from "../support/counts";
import { call, makeCard, makeMerchant, makeProgram, makeReward } from "../support/fixtures";
import { expectLedgerConsistent } from "../support/invariants";

describe("enrolling customers", () => {
  it("201 with a new card, then 200 with the same card for the same email in any case", async () => {
    const m = await makeMerchant();
    const program = await makeProgram(m, { tiers: { windowDays: 365, levels: [{ name: "Member", threshold: 0, multiplier: 1 }, { name: "Gold", threshold: 100, multiplier: 2 }] } });
    const first = await call(enrollRoute, { key: m.apiKey, body: { programId: program.id, customer: { email: "Ada@Example.test", name: "Ada", phone: "+44 20 7946 0958", birthday: "1990-12-10" } } });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      id: expect.stringMatching(/^crd_/),
      programId: program.id,
      customerId: expect.stringMatching(/^cus_/),
      balance: 0,
      lifetimeEarned: 0,
      tier: "Member",
      status: "active",
      links: { card: expect.stringMatching(/^http.*\/c\//), apple: expect.stringMatching(/apple/), google: expect.stringMatching(/google/) },
    });
    expect(verifyQr(first.body.qrToken, { merchantId: m.merchantId, kind: "card" }).id).toBe(first.body.id);

    const again = await call(enrollRoute, { key: m.apiKey, body: { programId: program.id, customer: { email: "ada@example.test" } } });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
    const counts = await countRows(m.db, m.merchantId);
    expect(counts.cards).toBe(1);
    expect(counts.customers).toBe(1);

    // The same person in another program of the same merchant is the same customer with a second card.
    const other = await makeProgram(m, { name: "Second" });
    const second = await call(enrollRoute, { key: m.apiKey, body: { programId: other.id, customer: { email: "ada@example.test" } } });
    expect(second.status).toBe(201);
    expect(second.body.customerId).toBe(first.body.customerId);
    expect(second.body.id).not.toBe(first.body.id);
  });

  it("another merchant's program is 404 and creates no customer", async () => {
    const a = await makeMerchant();
    const b = await makeMerchant();
    const theirs = await makeProgram(b);
    const before = await countRows(a.db, a.merchantId);
    const res = await call(enrollRoute, { key: a.apiKey, body: { programId: theirs.id, customer: { email: "x@example.test" } } });
    expect(res.status).toBe(404);
    expect(await countRows(a.db, a.merchantId)).toEqual(before);
    expect((await countRows(b.db, b.merchantId)).customers).toBe(0);
  });

  it("refuses invalid customers with 422", async () => {
    const m = await makeMerchant();
    const program = await makeProgram(m);
    for (const customer of [{}, { email: "not-an-email" }, { email: "a@example.test", birthday: "10/12/1990" }, { email: "a@example.test", phone: "call me" }, { email: "a@example.test", shoeSize: 44 }]) {
      const res = await call(enrollRoute, { key: m.apiKey, body: { programId: program.id, customer } });
      expect(res.status, JSON.stringify(customer)).toBe(422);
      expect(res.body.errors[0].path).toMatch(/^customer/);
    }
    expect((await call(enrollRoute, { key: m.apiKey, body: { programId: program.id } })).status).toBe(422);
    expect((await countRows(m.db, m.merchantId)).customers).toBe(0);
  });
});

describe("reading cards", () => {
  it("GET /cards/{id} shows balance, lifetime, tier and links; another merchant's card is 404", async () => {
    const a = await makeMerchant();
    const b = await makeMerchant();
    const program = await makeProgram(a);
    const card = await makeCard(a, program.id);
    await earn(a.ctx, { cardId: card.id, points: 40 });
    const res = await call(getCard, { key: a.apiKey, params: { id: card.id } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: card.id, programId: program.id, customerId: card.customerId, balance: 40, lifetimeEarned: 40, tier: null, status: "active" });
    expect(Object.keys(res.body.links).sort()).toEqual(["apple", "card", "google"]);

    for (const id of [card.id, "crd_unknown"]) {
      const other = await call(getCard, { key: b.apiKey, params: { id } });
      expect(other.status).toBe(404);
      expect(other.body.code).toBe("not_found");
      expect(other.body).not.toHaveProperty("balance");
    }
  });

  it("transactions come newest first, page by page with cursors, to the end", async () => {
    const m = await makeMerchant();
    const program = await makeProgram(m);
    const card = await makeCard(m, program.id);
    for (let i = 1; i <= 7; i++) await earn(m.ctx, { cardId: card.id, points: i, reference: `r${i}` });

    const seen: number[] = [];
    let cursor: string | undefined;
    const pages: number[] = [];
    for (;;) {
      const res = await call(transactionsRoute, { key: m.apiKey, params: { id: card.id }, query: { limit: "3", ...(cursor ? { cursor } : {}) } });
      expect(res.status).toBe(200);
      pages.push(res.body.data.length);
      for (const e of res.body.data) {
        expect(e).toEqual({ id: expect.stringMatching(/^ent_/), cardId: card.id, kind: "earn", amount: expect.any(Number), balanceAfter: expect.any(Number), source: "test", reference: `r${e.amount}`, createdAt: expect.any(String) });
        seen.push(e.amount);
      }
      if (!res.body.nextCursor) break;
      cursor = res.body.nextCursor;
    }
    expect(pages).toEqual([3, 3, 1]);
    expect(seen).toEqual([7, 6, 5, 4, 3, 2, 1]);

    const all = await call(transactionsRoute, { key: m.apiKey, params: { id: card.id } });
    expect(all.body.data.map((e: { balanceAfter: number }) => e.balanceAfter)).toEqual([28, 21, 15, 10, 6, 3, 1]);
    expect(all.body.nextCursor).toBeNull();
    await expectLedgerConsistent(m.db, { cardId: card.id });
  });

  it("a forged cursor or a bad limit is 422; another merchant's card is 404", async () => {
    const a = await makeMerchant();
    const b = await makeMerchant();
    const program = await makeProgram(a);
    const card = await makeCard(a, program.id);
    for (const query of <Record<string, string>[]>[{ cursor: "not-a-cursor" }, { cursor: Buffer.from("s:abc").toString("base64url") }, { limit: "0" }, { limit: "500" }, { limit: "ten" }]) {
      const res = await call(transactionsRoute, { key: a.apiKey, params: { id: card.id }, query });
      expect(res.status, JSON.stringify(query)).toBe(422);
    }
    expect((await call(transactionsRoute, { key: b.apiKey, params: { id: card.id } })).status).toBe(404);
  });
});

describe("removing a card from its program (DELETE /cards/{id})", () => {
  it("closes the card, voids its open vouchers and tells the wallets; earning then refuses; a second removal answers the same card", async () => {
    const m = await makeMerchant();
    const program = await makeProgram(m);
    const reward = await makeReward(m, program.id, 10);
    const card = await makeCard(m, program.id);
    const other = await makeCard(m, program.id);
    await earn(m.ctx, { cardId: card.id, points: 50 });
    const { voucher } = await redeemReward(m.ctx, { cardId: card.id, rewardId: reward.id });

    const removed = await call(removeCard, { key: m.apiKey, method: "DELETE", params: { id: card.id }, body: { reason: "asked at the counter" } });
    expect(removed.status).toBe(200);
    expect(removed.body).toMatchObject({ id: card.id, status: "closed", balance: 40 });
    const [v] = await m.db.select().from(vouchers).where(eq(vouchers.id, voucher.id));
    expect(v!.status).toBe("void");
    const closedEvents = await m.db.select().from(outboxEvents).where(and(eq(outboxEvents.merchantId, m.merchantId), eq(outboxEvents.type, "card.closed")));
    expect(closedEvents.map((e) => e.payload)).toEqual([{ cardId: card.id, programId: program.id }]);
    const [entry] = await m.db.select().from(auditLog).where(and(eq(auditLog.merchantId, m.merchantId), eq(auditLog.action, "card.closed")));
    expect(entry!.details).toMatchObject({ reason: "asked at the counter", balance: 40, vouchersVoided: 1 });

    await expect(earn(m.ctx, { cardId: card.id, points: 5 })).rejects.toMatchObject({ code: "inactive" });
    const again = await call(removeCard, { key: m.apiKey, method: "DELETE", params: { id: card.id } });
    expect([again.status, again.body.status]).toEqual([200, "closed"]);
    expect(await m.db.select().from(outboxEvents).where(and(eq(outboxEvents.merchantId, m.merchantId), eq(outboxEvents.type, "card.closed")))).toHaveLength(1);
    // The same customer's other cards and other customers' cards are untouched.
    expect((await call(getCard, { key: m.apiKey, params: { id: other.id } })).body.status).toBe("active");
  });

  it("answers 404 for another business's card and for an unknown one, and changes nothing", async () => {
    const [a, b] = await Promise.all([makeMerchant(), makeMerchant()]);
    const card = await makeCard(a, (await makeProgram(a)).id);
    expect((await call(removeCard, { key: b.apiKey, method: "DELETE", params: { id: card.id } })).status).toBe(404);
    expect((await call(removeCard, { key: a.apiKey, method: "DELETE", params: { id: "crd_unknown" } })).status).toBe(404);
    expect((await call(getCard, { key: a.apiKey, params: { id: card.id } })).body.status).toBe("active");
  });
});
