import "./dashboard-helpers";
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { earnAction, lookupAction, redeemVoucherAction } from "@/app/staff/actions";
import { cards, ledgerEntries } from "@/db/schema";
import { cardQrToken } from "@/lib/cards/token";
import { earn } from "@/lib/ledger/earn";
import { redeemReward } from "@/lib/rewards/redeem";
import { makeCard, makeMerchant, makeProgram, makeReward, makeUser } from "../support/fixtures";
import { actAs } from "./dashboard-helpers";

async function counter() {
  const m = await makeMerchant();
  const program = await makeProgram(m);
  const card = await makeCard(m, program.id);
  const cashier = await makeUser(m, "staff");
  await actAs(m.db, cashier, m.merchantId);
  return { m, program, card, cashier };
}

describe("staff scanner", () => {
  it("finds a card by its member code and awards a purchase", async () => {
    const { card } = await counter();
    const found = await lookupAction({ code: card.referralCode.toLowerCase() });
    expect(found).toMatchObject({ ok: true, data: { kind: "card", card: { cardId: card.id, balance: 0 } } });
    const r = await earnAction({ cardId: card.id, idempotencyKey: crypto.randomUUID(), purchaseAmount: 1250 });
    expect(r).toMatchObject({ ok: true, data: { amount: 12, card: { balance: 12 } } });
    // As the scanner sends it: with the currency the amount was typed in, checked against the program's.
    const typed = await earnAction({ cardId: card.id, idempotencyKey: crypto.randomUUID(), purchaseAmount: 800, currency: found.ok ? found.data.card.currency : "USD" });
    expect(typed).toMatchObject({ ok: true, data: { amount: 8, card: { balance: 20 } } });
    const other = found.ok && found.data.card.currency === "EUR" ? "USD" : "EUR";
    expect(await earnAction({ cardId: card.id, idempotencyKey: crypto.randomUUID(), purchaseAmount: 800, currency: other })).toMatchObject({ ok: false, code: "invalid" });
  });

  it("an offline action replayed with the same key is counted once", async () => {
    const { m, card } = await counter();
    const input = { cardId: card.id, idempotencyKey: "device-key-0001", purchaseAmount: 2000 };
    const first = await earnAction(input);
    const again = await earnAction(input);
    expect(first).toMatchObject({ ok: true, data: { card: { balance: 20 } } });
    expect(again).toEqual(first);
    const entries = await m.db.select().from(ledgerEntries).where(eq(ledgerEntries.cardId, card.id));
    expect(entries).toHaveLength(1);
    const [row] = await m.db.select({ balance: cards.balance }).from(cards).where(eq(cards.id, card.id));
    expect(row!.balance).toBe(20);
  });

  it("a voucher redeems once; a second attempt says it was already used", async () => {
    const { m, program, card } = await counter();
    const reward = await makeReward(m, program.id, 10);
    await earn(m.ctx, { cardId: card.id, points: 50 });
    const { voucher } = await redeemReward(m.ctx, { cardId: card.id, rewardId: reward.id });

    const seen = await lookupAction({ code: voucher.code });
    expect(seen).toMatchObject({ ok: true, data: { kind: "voucher", voucher: { status: "issued" } } });
    expect(await redeemVoucherAction({ idempotencyKey: crypto.randomUUID(), code: voucher.code })).toMatchObject({ ok: true, data: { title: reward.name } });
    expect(await redeemVoucherAction({ idempotencyKey: crypto.randomUUID(), code: voucher.code })).toMatchObject({ ok: false, code: "already_redeemed", error: expect.stringMatching(/already used/) });
    expect(await lookupAction({ code: voucher.code })).toMatchObject({ ok: true, data: { voucher: { status: "redeemed" } } });
  });

  it("scanning a card's QR shows the member, the balance and the open vouchers, newest first; a used one drops off", async () => {
    const { m, program, card } = await counter();
    const reward = await makeReward(m, program.id, 10);
    await earn(m.ctx, { cardId: card.id, points: 50 });
    const { voucher: first } = await redeemReward(m.ctx, { cardId: card.id, rewardId: reward.id });
    const { voucher: second } = await redeemReward(m.ctx, { cardId: card.id, rewardId: reward.id });
    const [row] = await m.db.select().from(cards).where(eq(cards.id, card.id));
    const scanned = await lookupAction({ code: cardQrToken(row!) });
    expect(scanned).toMatchObject({ ok: true, data: { kind: "card", card: { cardId: card.id, balance: 30, programName: program.name, status: "active" } } });
    const open = scanned.ok && scanned.data.kind === "card" ? scanned.data.card.openVouchers : [];
    expect(open.map((v) => v.id).sort()).toEqual([first.id, second.id].sort());
    expect(open.find((v) => v.id === first.id)).toEqual({ id: first.id, code: first.code, title: first.title, expiresAt: first.expiresAt.toISOString() });

    await redeemVoucherAction({ idempotencyKey: crypto.randomUUID(), code: first.code });
    const after = await lookupAction({ code: cardQrToken(row!) });
    expect(after.ok && after.data.kind === "card" ? after.data.card.openVouchers.map((v) => v.id) : null).toEqual([second.id]);
  });

  it("another business's card gets the answer an unknown code gets: the counter learns nothing about it", async () => {
    const { card } = await counter();
    const other = await makeMerchant();
    const theirCashier = await makeUser(other, "staff");
    await actAs(other.db, theirCashier, other.merchantId);
    const unknown = await lookupAction({ code: "ZZZZ-ZZZZ" });
    expect(unknown).toMatchObject({ ok: false, code: "not_found" });
    expect(await lookupAction({ code: card.referralCode })).toEqual(unknown);
    const [row] = await other.db.select().from(cards).where(eq(cards.id, card.id));
    expect(await lookupAction({ code: cardQrToken(row!) })).toEqual(unknown);
    expect(await earnAction({ cardId: card.id, idempotencyKey: crypto.randomUUID(), purchaseAmount: 500 })).toMatchObject({ ok: false, code: "not_found" });
    const entries = await other.db.select().from(ledgerEntries).where(and(eq(ledgerEntries.cardId, card.id)));
    expect(entries).toHaveLength(0);
  });

  it("unknown codes and empty amounts get calm messages", async () => {
    const { card } = await counter();
    expect(await lookupAction({ code: "ZZZZ-ZZZZ" })).toMatchObject({ ok: false, code: "not_found", error: expect.stringMatching(/could not find/) });
    expect(await lookupAction({ code: "kc1.bogus.token" })).toMatchObject({ ok: false, code: "invalid_token" });
    const r = await earnAction({ cardId: card.id, idempotencyKey: crypto.randomUUID() });
    expect(r).toMatchObject({ ok: false, code: "invalid" });
  });

  it("takes amounts in the card's currency, and refuses an offline amount typed in another", async () => {
    const m = await makeMerchant({ currency: "JPY" });
    const program = await makeProgram(m);
    const card = await makeCard(m, program.id);
    await actAs(m.db, await makeUser(m, "staff"), m.merchantId);
    // ¥1,250 is 1250 minor units and earns 1,250 points at one point per yen.
    expect(await earnAction({ cardId: card.id, idempotencyKey: crypto.randomUUID(), purchaseAmount: 1250, currency: "JPY" })).toMatchObject({ ok: true, data: { amount: 1250, card: { balance: 1250 } } });
    // A queued amount typed as dinars for a yen card is refused rather than read as yen.
    const wrong = await earnAction({ cardId: card.id, idempotencyKey: crypto.randomUUID(), purchaseAmount: 3125, currency: "KWD" });
    expect(wrong).toMatchObject({ ok: false, code: "invalid", error: "This program earns in JPY, not KWD." });
    const [row] = await m.db.select({ balance: cards.balance }).from(cards).where(eq(cards.id, card.id));
    expect(row!.balance).toBe(1250);
  });
});
