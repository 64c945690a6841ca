import { describe, expect, it } from "vitest";
import { EarnInput, quickEarnInput } from "@/lib/ledger/earn";
import { RedeemVoucherInput, quickRedeemVoucherInput } from "@/lib/vouchers/redeem";

// The earn and voucher APIs check everyday bodies by hand (quickBody) before zod: they must never accept a
// body the schema refuses, nor read one differently.
const bodies: unknown[] = [
  { purchase: { amount: 1234, currency: "USD" } },
  { purchase: { amount: 1234, currency: "usd" } },
  { purchase: { currency: "eur", amount: 0 } },
  { purchase: { amount: 1_000_000_000, currency: "JPY" } },
  { purchase: { amount: 1_000_000_001, currency: "JPY" } },
  { purchase: { amount: -1, currency: "USD" } },
  { purchase: { amount: 12.5, currency: "USD" } },
  { purchase: { amount: "1234", currency: "USD" } },
  { purchase: { amount: 1234, currency: "US" } },
  { purchase: { amount: 1234, currency: "USDX" } },
  { purchase: { amount: 1234, currency: 840 } },
  { purchase: { amount: 1234 } },
  { purchase: { amount: 1234, currency: "USD", extra: 1 } },
  { purchase: [1234, "USD"] },
  { purchase: null },
  { points: 50 },
  { points: 0 },
  { points: -5 },
  { points: 10_000_001 },
  { points: 2 ** 53 },
  { points: "50" },
  { stamps: 1 },
  { stamps: 101 },
  { stamps: 1.5 },
  { points: 5, stamps: 1 },
  { points: 5, purchase: { amount: 1, currency: "USD" } },
  { purchase: { amount: 1234, currency: "USD" }, reference: "r-1" },
  { cardId: "crd_x" },
  { other: 1 },
  {},
  [],
  null,
  "points",
  42,
];

describe("earn body: the hand check agrees with the schema", () => {
  it.each(bodies.map((b) => [JSON.stringify(b), b]))("%s", (_, body) => {
    const quick = quickEarnInput(body);
    const zod = EarnInput.safeParse(body);
    if (quick !== undefined) {
      expect(zod.success).toBe(true);
      expect(quick).toStrictEqual(zod.data);
    }
  });

  it("takes the everyday bodies without zod, upper-casing the currency as the schema does", () => {
    expect(quickEarnInput({ purchase: { amount: 1234, currency: "usd" } })).toStrictEqual({ purchase: { amount: 1234, currency: "USD" } });
    expect(quickEarnInput({ points: 50 })).toStrictEqual({ points: 50 });
    expect(quickEarnInput({ stamps: 2 })).toStrictEqual({ stamps: 2 });
    expect(quickEarnInput({ points: 0 })).toBeUndefined();
    expect(quickEarnInput({ purchase: { amount: 1234, currency: "USD" }, reference: "r-1" })).toBeUndefined();
  });
});

// The same for the voucher redemption body.
const redeemBodies: unknown[] = [
  { code: "K7QM-3XPA" },
  { code: "k7qm3xpa" },
  { code: "abc" },
  { code: "abcd" },
  { code: "x".repeat(20) },
  { code: "x".repeat(21) },
  { code: "K7QM\u0000XPA" },
  { code: "K7QM\u0085XPA" },
  { code: 12345678 },
  { code: "K7QM-3XPA", locationId: "loc_1" },
  { token: "kc1.something.long" },
  { code: "K7QM-3XPA", token: "kc1.something.long" },
  {},
  null,
];

describe("voucher redemption body: the hand check agrees with the schema", () => {
  it.each(redeemBodies.map((b) => [JSON.stringify(b), b]))("%s", (_, body) => {
    const quick = quickRedeemVoucherInput(body);
    const zod = RedeemVoucherInput.safeParse(body);
    if (quick !== undefined) {
      expect(zod.success).toBe(true);
      expect(quick).toStrictEqual(zod.data);
    }
  });

  it("takes a bare code without zod", () => {
    expect(quickRedeemVoucherInput({ code: "K7QM-3XPA" })).toStrictEqual({ code: "K7QM-3XPA" });
    expect(quickRedeemVoucherInput({ code: "K7QM\u0000XPA" })).toBeUndefined();
  });
});
