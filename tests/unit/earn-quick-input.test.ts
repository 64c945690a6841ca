import { describe, expect, it } from "vitest";
import { EarnInput, quickEarnInput } from "@/lib/ledger/earn";

// The earn API checks everyday bodies by hand (quickEarnInput) before zod: it must never accept a
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
