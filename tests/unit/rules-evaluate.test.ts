import { describe, expect, it } from "vitest";
import { evaluateEarn, localClock, type EarnContext } from "@/lib/rules/evaluate";
import { EarningRules, type EarningRulesInput } from "@/lib/rules/schema";

const rules = (input: EarningRulesInput = {}) => EarningRules.parse(input);
// Wednesday 12:00 unless a test says otherwise.
const at = (over: Partial<EarnContext> = {}): EarnContext => ({ currency: "USD", weekday: 3, minuteOfDay: 12 * 60, earnedToday: 0, ...over });

describe("evaluateEarn: bases", () => {
  it("amount basis earns rate points per whole currency unit, rounded down by default", () => {
    expect(evaluateEarn(rules(), at({ amountMinor: 1250 })).points).toBe(12);
    expect(evaluateEarn(rules({ rate: 2 }), at({ amountMinor: 1250 })).points).toBe(25);
  });

  it("amount basis respects the currency's minor unit (JPY has none, KWD three digits)", () => {
    expect(evaluateEarn(rules(), at({ amountMinor: 1250, currency: "JPY" })).points).toBe(1250);
    expect(evaluateEarn(rules(), at({ amountMinor: 3125, currency: "KWD" })).points).toBe(3);
    expect(evaluateEarn(rules({ rate: 10 }), at({ amountMinor: 3125, currency: "BHD" })).points).toBe(31);
  });

  it("amount basis without a purchase earns nothing and says why", () => {
    expect(evaluateEarn(rules(), at())).toMatchObject({ points: 0, reason: "no_purchase" });
  });

  it("visit basis earns the rate per visit, whatever the amount", () => {
    expect(evaluateEarn(rules({ basis: "visit", rate: 5 }), at()).points).toBe(5);
    expect(evaluateEarn(rules({ basis: "visit", rate: 5 }), at({ amountMinor: 99_999 })).points).toBe(5);
  });

  it("percent basis gives cashback in minor units", () => {
    // 5% of $12.50 is 62.5 cents → 62 (floor).
    expect(evaluateEarn(rules({ basis: "percent", rate: 5 }), at({ amountMinor: 1250 })).points).toBe(62);
    expect(evaluateEarn(rules({ basis: "percent", rate: 10 }), at({ amountMinor: 1999 })).points).toBe(199);
  });
});

describe("evaluateEarn: minimum spend", () => {
  it("below the minimum earns nothing; at the minimum earns", () => {
    const r = rules({ minSpend: 500 });
    expect(evaluateEarn(r, at({ amountMinor: 499 }))).toMatchObject({ points: 0, reason: "below_min_spend" });
    expect(evaluateEarn(r, at({ amountMinor: 500 })).points).toBe(5);
  });

  it("applies to visits that state an amount, not to bare visits", () => {
    const r = rules({ basis: "visit", rate: 1, minSpend: 300 });
    expect(evaluateEarn(r, at({ amountMinor: 200 })).points).toBe(0);
    expect(evaluateEarn(r, at()).points).toBe(1);
  });
});

describe("evaluateEarn: schedule multipliers", () => {
  const happyHour = rules({ multipliers: [{ kind: "schedule", weekdays: [1, 2, 3, 4, 5], from: "14:00", to: "17:00", factor: 2 }] });

  it("applies inside the window on a listed weekday", () => {
    expect(evaluateEarn(happyHour, at({ amountMinor: 1000, minuteOfDay: 15 * 60 })).points).toBe(20);
  });

  it("includes the start and excludes the end", () => {
    expect(evaluateEarn(happyHour, at({ amountMinor: 1000, minuteOfDay: 14 * 60 })).points).toBe(20);
    expect(evaluateEarn(happyHour, at({ amountMinor: 1000, minuteOfDay: 17 * 60 })).points).toBe(10);
    expect(evaluateEarn(happyHour, at({ amountMinor: 1000, minuteOfDay: 17 * 60 - 1 })).points).toBe(20);
  });

  it("does not apply outside the window or on other weekdays", () => {
    expect(evaluateEarn(happyHour, at({ amountMinor: 1000, minuteOfDay: 9 * 60 })).points).toBe(10);
    expect(evaluateEarn(happyHour, at({ amountMinor: 1000, minuteOfDay: 15 * 60, weekday: 0 })).points).toBe(10);
  });

  it("a window that wraps past midnight covers late evening and early morning", () => {
    const lateNight = rules({ multipliers: [{ kind: "schedule", weekdays: [0, 1, 2, 3, 4, 5, 6], from: "22:00", to: "02:00", factor: 3 }] });
    expect(evaluateEarn(lateNight, at({ amountMinor: 1000, minuteOfDay: 23 * 60 })).points).toBe(30);
    expect(evaluateEarn(lateNight, at({ amountMinor: 1000, minuteOfDay: 60 })).points).toBe(30);
    expect(evaluateEarn(lateNight, at({ amountMinor: 1000, minuteOfDay: 2 * 60 })).points).toBe(10);
    expect(evaluateEarn(lateNight, at({ amountMinor: 1000, minuteOfDay: 12 * 60 })).points).toBe(10);
  });

  it("a weekday-only multiplier with no times covers the whole day", () => {
    const weekend = rules({ multipliers: [{ kind: "schedule", weekdays: [0, 6], factor: 2 }] });
    expect(evaluateEarn(weekend, at({ amountMinor: 1000, weekday: 6, minuteOfDay: 0 })).points).toBe(20);
    expect(evaluateEarn(weekend, at({ amountMinor: 1000, weekday: 6, minuteOfDay: 24 * 60 - 1 })).points).toBe(20);
    expect(evaluateEarn(weekend, at({ amountMinor: 1000, weekday: 5 })).points).toBe(10);
  });
});

describe("evaluateEarn: location, tier and campaign multipliers", () => {
  const r = rules({ multipliers: [{ kind: "location", locationIds: ["loc_airport"], factor: 1.5 }] });

  it("a location multiplier applies only at its locations", () => {
    expect(evaluateEarn(r, at({ amountMinor: 1000, locationId: "loc_airport" })).points).toBe(15);
    expect(evaluateEarn(r, at({ amountMinor: 1000, locationId: "loc_downtown" })).points).toBe(10);
    expect(evaluateEarn(r, at({ amountMinor: 1000 })).points).toBe(10);
  });

  it("tier and campaign multipliers multiply with the rule's own", () => {
    const result = evaluateEarn(r, at({ amountMinor: 1000, locationId: "loc_airport", tierMultiplier: 2, campaignMultiplier: 3 }));
    expect(result.factor).toBe(9);
    expect(result.points).toBe(90);
  });

  it("multipliers also scale visit earnings", () => {
    expect(evaluateEarn(rules({ basis: "visit", rate: 1 }), at({ tierMultiplier: 2 })).points).toBe(2);
  });
});

describe("evaluateEarn: caps", () => {
  it("caps a single transaction", () => {
    expect(evaluateEarn(rules({ capPerTransaction: 50 }), at({ amountMinor: 10_000 }))).toMatchObject({ points: 50, capped: "transaction" });
    expect(evaluateEarn(rules({ capPerTransaction: 50 }), at({ amountMinor: 4_000 }))).toMatchObject({ points: 40, capped: null });
  });

  it("caps a day using what the card already earned today", () => {
    const r = rules({ capPerDay: 100 });
    expect(evaluateEarn(r, at({ amountMinor: 5_000, earnedToday: 80 }))).toMatchObject({ points: 20, capped: "day" });
    expect(evaluateEarn(r, at({ amountMinor: 5_000, earnedToday: 100 })).points).toBe(0);
    expect(evaluateEarn(r, at({ amountMinor: 5_000, earnedToday: 150 })).points).toBe(0);
    expect(evaluateEarn(r, at({ amountMinor: 5_000, earnedToday: 0 }))).toMatchObject({ points: 50, capped: null });
  });

  it("the tighter of the two caps wins", () => {
    const r = rules({ capPerTransaction: 30, capPerDay: 100 });
    expect(evaluateEarn(r, at({ amountMinor: 10_000, earnedToday: 90 }))).toMatchObject({ points: 10, capped: "day" });
    expect(evaluateEarn(r, at({ amountMinor: 10_000, earnedToday: 0 }))).toMatchObject({ points: 30, capped: "transaction" });
  });
});

describe("evaluateEarn: rounding", () => {
  it("floor, round and ceil", () => {
    // $12.50 at 1 point per dollar = 12.5 points.
    expect(evaluateEarn(rules({ rounding: "floor" }), at({ amountMinor: 1250 })).points).toBe(12);
    expect(evaluateEarn(rules({ rounding: "round" }), at({ amountMinor: 1250 })).points).toBe(13);
    expect(evaluateEarn(rules({ rounding: "ceil" }), at({ amountMinor: 1201 })).points).toBe(13);
    expect(evaluateEarn(rules({ rounding: "round" }), at({ amountMinor: 1249 })).points).toBe(12);
  });

  it("float noise does not cost or gift a point", () => {
    // 3000 * 1.1 / 100 is 33.00000000000001 and 3000 * 2.3 / 100 is 68.99999999999999 in floating point.
    expect(evaluateEarn(rules({ basis: "percent", rate: 1.1, rounding: "ceil" }), at({ amountMinor: 3000 })).points).toBe(33);
    expect(evaluateEarn(rules({ basis: "percent", rate: 2.3, rounding: "floor" }), at({ amountMinor: 3000 })).points).toBe(69);
  });

  it("is pure: the same rules and context give the same answer", () => {
    const r = rules({ rate: 1.7, multipliers: [{ kind: "schedule", weekdays: [3], factor: 1.3 }] });
    const c = at({ amountMinor: 4321 });
    expect(evaluateEarn(r, c)).toEqual(evaluateEarn(r, c));
  });
});

describe("EarningRules schema", () => {
  it("fills defaults", () => {
    expect(rules()).toEqual({ basis: "amount", rate: 1, minSpend: 0, multipliers: [], capPerTransaction: null, capPerDay: null, rounding: "floor" });
  });

  it("refuses malformed times, weekdays, rates and unknown fields", () => {
    expect(EarningRules.safeParse({ multipliers: [{ kind: "schedule", weekdays: [1], from: "24:00", factor: 2 }] }).success).toBe(false);
    expect(EarningRules.safeParse({ multipliers: [{ kind: "schedule", weekdays: [7], factor: 2 }] }).success).toBe(false);
    expect(EarningRules.safeParse({ rate: 0 }).success).toBe(false);
    expect(EarningRules.safeParse({ rate: 1, bonus: 5 }).success).toBe(false);
  });
});

describe("localClock", () => {
  it("gives the merchant's local weekday and minute, across a date line", () => {
    // 2024-03-04 is a Monday. 23:30 UTC is already Tuesday 08:30 in Tokyo and still Monday 18:30 in New York (EST).
    const t = new Date("2024-03-04T23:30:00Z");
    expect(localClock(t, "Asia/Tokyo")).toEqual({ weekday: 2, minuteOfDay: 8 * 60 + 30, date: "2024-03-05" });
    expect(localClock(t, "America/New_York")).toEqual({ weekday: 1, minuteOfDay: 18 * 60 + 30, date: "2024-03-04" });
    expect(localClock(t, "UTC")).toEqual({ weekday: 1, minuteOfDay: 23 * 60 + 30, date: "2024-03-04" });
  });

  it("midnight is minute 0, not 24:00", () => {
    expect(localClock(new Date("2024-03-05T00:00:00Z"), "UTC").minuteOfDay).toBe(0);
  });

  it("reads each zone's clock afresh when the minute turns (each zone's last minute is kept)", () => {
    // Kolkata is UTC+5:30: 18:29:59 UTC is 23:59 on Monday there, a second later it is Tuesday 00:00.
    const before = new Date("2024-03-04T18:29:59.999Z");
    const after = new Date("2024-03-04T18:30:00.000Z");
    expect(localClock(before, "Asia/Kolkata")).toEqual({ weekday: 1, minuteOfDay: 23 * 60 + 59, date: "2024-03-04" });
    expect(localClock(new Date("2024-03-04T18:29:00.000Z"), "Asia/Kolkata")).toEqual({ weekday: 1, minuteOfDay: 23 * 60 + 59, date: "2024-03-04" });
    expect(localClock(after, "Asia/Kolkata")).toEqual({ weekday: 2, minuteOfDay: 0, date: "2024-03-05" });
    // Another zone in between does not disturb the first one's minute; and back in time reads afresh too.
    expect(localClock(after, "America/New_York")).toEqual({ weekday: 1, minuteOfDay: 13 * 60 + 30, date: "2024-03-04" });
    expect(localClock(before, "Asia/Kolkata")).toEqual({ weekday: 1, minuteOfDay: 23 * 60 + 59, date: "2024-03-04" });
    // What a caller does to its answer does not change the next one.
    const clock = localClock(after, "Asia/Kolkata");
    clock.weekday = 6;
    expect(localClock(after, "Asia/Kolkata").weekday).toBe(2);
  });
});
