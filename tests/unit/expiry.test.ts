import { describe, expect, it } from "vitest";
import { ExpiryPolicy, inactivityDeadline, isLotExpired, lotExpiry } from "@/lib/expiry/policy";

const d = (iso: string) => new Date(iso);

describe("lotExpiry", () => {
  it("never: lots do not expire", () => {
    expect(lotExpiry({ kind: "never" }, d("2024-05-01T10:00:00Z"))).toBeNull();
  });

  it("rolling: N days after earning, to the millisecond", () => {
    expect(lotExpiry({ kind: "rolling", days: 30 }, d("2024-05-01T10:15:00Z"))).toEqual(d("2024-05-31T10:15:00Z"));
    expect(lotExpiry({ kind: "rolling", days: 365 }, d("2024-01-01T00:00:00Z"))).toEqual(d("2024-12-31T00:00:00Z"));
  });

  it("inactivity: no date on the lot; the card's activity decides", () => {
    expect(lotExpiry({ kind: "inactivity", days: 90 }, d("2024-05-01T10:00:00Z"))).toBeNull();
  });

  describe("fixed calendar date", () => {
    const dec31 = { kind: "fixed", month: 12, day: 31 } as const;

    it("expires at the next occurrence of the date", () => {
      expect(lotExpiry(dec31, d("2024-05-01T10:00:00Z"))).toEqual(d("2024-12-31T00:00:00Z"));
      expect(lotExpiry({ kind: "fixed", month: 3, day: 1 }, d("2024-05-01T10:00:00Z"))).toEqual(d("2025-03-01T00:00:00Z"));
    });

    it("points earned on the day itself or after it roll to next year", () => {
      expect(lotExpiry(dec31, d("2024-12-31T00:00:00Z"))).toEqual(d("2025-12-31T00:00:00Z"));
      expect(lotExpiry(dec31, d("2024-12-31T18:00:00Z"))).toEqual(d("2025-12-31T00:00:00Z"));
      expect(lotExpiry(dec31, d("2024-12-30T23:59:59Z"))).toEqual(d("2024-12-31T00:00:00Z"));
    });

    it("Feb 29 clamps to Feb 28 in common years and stays Feb 29 in leap years", () => {
      const feb29 = { kind: "fixed", month: 2, day: 29 } as const;
      expect(lotExpiry(feb29, d("2023-01-10T00:00:00Z"))).toEqual(d("2023-02-28T00:00:00Z"));
      expect(lotExpiry(feb29, d("2023-03-10T00:00:00Z"))).toEqual(d("2024-02-29T00:00:00Z"));
      expect(lotExpiry(feb29, d("2024-01-10T00:00:00Z"))).toEqual(d("2024-02-29T00:00:00Z"));
      expect(lotExpiry(feb29, d("2024-03-01T00:00:00Z"))).toEqual(d("2025-02-28T00:00:00Z"));
    });

    it("day 31 clamps to the month's last day", () => {
      expect(lotExpiry({ kind: "fixed", month: 4, day: 31 }, d("2024-01-10T00:00:00Z"))).toEqual(d("2024-04-30T00:00:00Z"));
      expect(lotExpiry({ kind: "fixed", month: 2, day: 31 }, d("2024-01-10T00:00:00Z"))).toEqual(d("2024-02-29T00:00:00Z"));
      expect(lotExpiry({ kind: "fixed", month: 2, day: 31 }, d("2025-01-10T00:00:00Z"))).toEqual(d("2025-02-28T00:00:00Z"));
      expect(lotExpiry({ kind: "fixed", month: 1, day: 31 }, d("2024-01-10T00:00:00Z"))).toEqual(d("2024-01-31T00:00:00Z"));
    });
  });
});

describe("isLotExpired", () => {
  const earned = d("2024-05-01T10:00:00Z");

  it("a dated lot expires at its date, not a moment before", () => {
    const lot = { expiresAt: d("2024-05-31T10:00:00Z") };
    expect(isLotExpired({ kind: "rolling", days: 30 }, lot, earned, d("2024-05-31T09:59:59Z"))).toBe(false);
    expect(isLotExpired({ kind: "rolling", days: 30 }, lot, earned, d("2024-05-31T10:00:00Z"))).toBe(true);
  });

  it("an undated lot under `never` never expires", () => {
    expect(isLotExpired({ kind: "never" }, { expiresAt: null }, earned, d("2099-01-01T00:00:00Z"))).toBe(false);
  });

  it("inactivity: every lot lapses N days after the last activity, and activity pushes it back", () => {
    const policy = { kind: "inactivity", days: 90 } as const;
    expect(inactivityDeadline(policy, earned)).toEqual(d("2024-07-30T10:00:00Z"));
    expect(isLotExpired(policy, { expiresAt: null }, earned, d("2024-07-30T09:00:00Z"))).toBe(false);
    expect(isLotExpired(policy, { expiresAt: null }, earned, d("2024-07-30T10:00:00Z"))).toBe(true);
    expect(isLotExpired(policy, { expiresAt: null }, d("2024-07-01T00:00:00Z"), d("2024-07-30T10:00:00Z"))).toBe(false);
  });

  it("inactivity deadline is only for inactivity policies", () => {
    expect(inactivityDeadline({ kind: "rolling", days: 30 }, earned)).toBeNull();
  });
});

describe("ExpiryPolicy schema", () => {
  it("accepts the four policies and refuses nonsense", () => {
    for (const p of [{ kind: "never" }, { kind: "rolling", days: 365 }, { kind: "fixed", month: 12, day: 31 }, { kind: "inactivity", days: 180 }]) {
      expect(ExpiryPolicy.safeParse(p).success).toBe(true);
    }
    for (const p of [{ kind: "rolling", days: 0 }, { kind: "fixed", month: 13, day: 1 }, { kind: "fixed", month: 2, day: 32 }, { kind: "soon" }, { kind: "rolling" }]) {
      expect(ExpiryPolicy.safeParse(p).success).toBe(false);
    }
  });
});
