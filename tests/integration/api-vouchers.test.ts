import { createHash } from "node:crypto";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { POST as redeemRoute } from "@/app/api/v1/cards/[id]/redemptions/route";
import { POST as scanRoute } from "@/app/api/v1/scan/route";
import { POST as useRoute } from "@/app/api/v1/vouchers/redeem/route";
import { rewards, vouchers } from "@/db/schema";
import { updateReward } from "@/lib/rewards/verbs";
import { earn } from "@/lib/ledger/earn";
import { base32Decode, base32Encode } from "@/lib/tokens/compact";
import { signQr } from "@/lib/tokens/qr";
import { countRows } from "../support/counts";
import { call, makeCard, makeMerchant, makeProgram, makeReward, type TestMerchant } from "../support/fixtures";
import { expectLedgerConsistent } from "../support/invariants";

async function cardWith(m: TestMerchant, points: number) {
  const program = await makeProgram(m);
  const card = await makeCard(m, program.id);
  if (points) await earn(m.ctx, { cardId: card.id, points });
  return { program, card };
}

const redeem = (m: TestMerchant, cardId: string, rewardId: string) => call(redeemRoute, { key: m.apiKey, params: { id: cardId }, body: { rewardId } });

describe("redeeming rewards", () => {
  it("debits points, takes one from stock and issues a voucher with a code and a signed token", async () => {
    const m = await makeMerchant();
    const { program, card } = await cardWith(m, 500);
    const reward = await makeReward(m, program.id, 200, 2);
    const res = await redeem(m, card.id, reward.id);
    expect(res.status).toBe(201);
    expect(res.body.entry).toMatchObject({ kind: "redeem", amount: -200, balanceAfter: 300, reference: reward.id });
    expect(res.body.card.balance).toBe(300);
    expect(res.body.voucher).toMatchObject({ cardId: card.id, rewardId: reward.id, title: reward.name, status: "issued", redeemedAt: null, code: expect.stringMatching(/^[A-Z0-9]{4}-[A-Z0-9]{4}$/), token: expect.stringMatching(/^KC2[A-Z2-7]+$/) });
    const days = (Date.parse(res.body.voucher.expiresAt) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(29);
    expect(days).toBeLessThanOrEqual(30);
    const [stock] = await m.db.select({ inventory: rewards.inventory }).from(rewards).where(eq(rewards.id, reward.id));
    expect(stock!.inventory).toBe(1);
    await expectLedgerConsistent(m.db, { cardId: card.id });
  });

  it("409 insufficient_balance and 409 out_of_stock write nothing", async () => {
    const m = await makeMerchant();
    const { program, card } = await cardWith(m, 100);
    const pricey = await makeReward(m, program.id, 150);
    const gone = await makeReward(m, program.id, 10, 0);
    const before = await countRows(m.db, m.merchantId);
    const poor = await redeem(m, card.id, pricey.id);
    expect(poor.status).toBe(409);
    expect(poor.body).toMatchObject({ code: "insufficient_balance", detail: expect.stringMatching(/150/) });
    const empty = await redeem(m, card.id, gone.id);
    expect(empty.status).toBe(409);
    expect(empty.body.code).toBe("out_of_stock");
    expect(await countRows(m.db, m.merchantId)).toEqual(before);

    await updateReward(m.ctx, { rewardId: pricey.id, active: false });
    await earn(m.ctx, { cardId: card.id, points: 100 });
    expect((await redeem(m, card.id, pricey.id)).body.code).toBe("inactive");
    await expectLedgerConsistent(m.db, { cardId: card.id });
  });

  it("a reward of another program, another merchant's reward or card, and unknown ids are 404", async () => {
    const a = await makeMerchant();
    const b = await makeMerchant();
    const { card } = await cardWith(a, 1000);
    const otherProgram = await makeProgram(a, { name: "Other" });
    const otherReward = await makeReward(a, otherProgram.id, 10);
    const { program: theirProgram, card: theirCard } = await cardWith(b, 1000);
    const theirReward = await makeReward(b, theirProgram.id, 10);
    const before = await countRows(a.db, a.merchantId);
    for (const [cardId, rewardId] of [
      [card.id, otherReward.id],
      [card.id, theirReward.id],
      [card.id, "rwd_nope"],
      [theirCard.id, theirReward.id],
      ["crd_nope", otherReward.id],
    ]) {
      const res = await redeem(a, cardId!, rewardId!);
      expect(res.status, `${cardId} ${rewardId}`).toBe(404);
    }
    expect((await call(redeemRoute, { key: a.apiKey, params: { id: card.id }, body: {} })).status).toBe(422);
    expect(await countRows(a.db, a.merchantId)).toEqual(before);
    await expectLedgerConsistent(b.db, { cardId: theirCard.id });
  });
});

describe("using vouchers", () => {
  async function voucherFor(m: TestMerchant) {
    const { program, card } = await cardWith(m, 100);
    const reward = await makeReward(m, program.id, 50);
    const res = await redeem(m, card.id, reward.id);
    return { card, voucher: res.body.voucher as { id: string; code: string; token: string } };
  }

  it("by code succeeds once; the second attempt is 409 already_redeemed", async () => {
    const m = await makeMerchant();
    const { card, voucher } = await voucherFor(m);
    const first = await call(useRoute, { key: m.apiKey, body: { code: voucher.code.toLowerCase().replace("-", " ") } });
    expect(first.status).toBe(200);
    expect(first.body.voucher).toMatchObject({ id: voucher.id, status: "redeemed", redeemedAt: expect.any(String) });
    const second = await call(useRoute, { key: m.apiKey, body: { code: voucher.code } });
    expect(second.status).toBe(409);
    expect(second.body).toMatchObject({ code: "already_redeemed", title: "Already redeemed" });
    // Using a voucher moves no points.
    await expectLedgerConsistent(m.db, { cardId: card.id });
    expect((await expectLedgerConsistent(m.db, { cardId: card.id })).get(card.id)).toBe(50);
  });

  it("by its signed token succeeds once", async () => {
    const m = await makeMerchant();
    const { voucher } = await voucherFor(m);
    expect((await call(useRoute, { key: m.apiKey, body: { token: voucher.token } })).status).toBe(200);
    expect((await call(useRoute, { key: m.apiKey, body: { token: voucher.token } })).body.code).toBe("already_redeemed");
  });

  it("an expired voucher is 410 by code and by token, and stays unused", async () => {
    const m = await makeMerchant();
    const { voucher } = await voucherFor(m);
    await m.db.update(vouchers).set({ expiresAt: new Date(Date.now() - 60_000) }).where(eq(vouchers.id, voucher.id));
    for (const body of [{ code: voucher.code }, { token: voucher.token }]) {
      const res = await call(useRoute, { key: m.apiKey, body });
      expect(res.status, JSON.stringify(body)).toBe(410);
      expect(res.body).toMatchObject({ code: "expired", detail: expect.stringMatching(/expired/) });
    }
    const [row] = await m.db.select().from(vouchers).where(eq(vouchers.id, voucher.id));
    expect(row!.status).toBe("issued");
  });

  it("another merchant's voucher is 404 by code and by token; unknown codes are 404; forged tokens 422", async () => {
    const a = await makeMerchant();
    const b = await makeMerchant();
    const { voucher } = await voucherFor(b);
    expect((await call(useRoute, { key: a.apiKey, body: { code: voucher.code } })).status).toBe(404);
    const byToken = await call(useRoute, { key: a.apiKey, body: { token: voucher.token } });
    expect(byToken.status).toBe(404);
    expect(byToken.body.code).toBe("not_found");
    expect((await call(useRoute, { key: a.apiKey, body: { code: "ZZZZ-ZZZZ" } })).status).toBe(404);
    // Another merchant's compact token re-tagged for merchant a, under its original signature.
    const bytes = base32Decode(voucher.token.slice(3))!;
    bytes.set(createHash("sha256").update(a.merchantId).digest().subarray(0, 4), 16);
    const forged = `KC2${base32Encode(bytes)}`;
    const res = await call(useRoute, { key: a.apiKey, body: { token: forged } });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe("invalid_token");
    // A card's QR is not a voucher.
    const { card } = await cardWith(a, 0);
    expect((await call(useRoute, { key: a.apiKey, body: { token: signQr({ kind: "card", id: card.id, merchantId: a.merchantId }) } })).status).toBe(422);
    for (const bad of [{}, { code: "AB" }, { code: "ABCD-EFGH", token: voucher.token }, { token: "short" }]) {
      expect((await call(useRoute, { key: a.apiKey, body: bad })).status, JSON.stringify(bad)).toBe(422);
    }
    const [row] = await b.db.select().from(vouchers).where(eq(vouchers.id, voucher.id));
    expect(row!.status).toBe("issued");
  });
});

describe("scan", () => {
  it("tells a card QR from a voucher QR", async () => {
    const m = await makeMerchant();
    const { program, card } = await cardWith(m, 100);
    const reward = await makeReward(m, program.id, 50);
    const redeemed = await redeem(m, card.id, reward.id);
    const cardScan = await call(scanRoute, { key: m.apiKey, body: { token: redeemed.body.card.qrToken } });
    expect(cardScan.status).toBe(200);
    expect(cardScan.body).toMatchObject({ kind: "card", card: { id: card.id, balance: 50 } });
    expect(cardScan.body.voucher).toBeUndefined();
    const voucherScan = await call(scanRoute, { key: m.apiKey, body: { token: redeemed.body.voucher.token } });
    expect(voucherScan.body).toMatchObject({ kind: "voucher", card: { id: card.id }, voucher: { id: redeemed.body.voucher.id, status: "issued" } });
  });

  it("refuses garbage (422), another merchant's codes (404) and an expired voucher token (410)", async () => {
    const a = await makeMerchant();
    const b = await makeMerchant();
    const { card } = await cardWith(b, 0);
    const theirs = signQr({ kind: "card", id: card.id, merchantId: b.merchantId });
    expect((await call(scanRoute, { key: a.apiKey, body: { token: theirs } })).status).toBe(404);
    expect((await call(scanRoute, { key: a.apiKey, body: { token: "https://example.com/not-ours" } })).body.code).toBe("invalid_token");
    expect((await call(scanRoute, { key: a.apiKey, body: { token: signQr({ kind: "card", id: "crd_gone", merchantId: a.merchantId }) } })).status).toBe(404);
    const expired = signQr({ kind: "voucher", id: "vch_x", merchantId: a.merchantId, expiresAt: new Date(Date.now() - 1000) });
    expect((await call(scanRoute, { key: a.apiKey, body: { token: expired } })).status).toBe(410);
    expect((await call(scanRoute, { key: a.apiKey, body: {} })).status).toBe(422);
  });
});
