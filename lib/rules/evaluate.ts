import { toMajor } from "../money";
import type { EarningRules } from "./schema";

export type EarnContext = {
  /** Purchase in minor units; absent for a plain visit. */
  amountMinor?: number;
  /** The program's ISO 4217 currency: "amount" rules count whole units of it (dollars, yen, dinars). */
  currency: string;
  /** Local weekday (0 = Sunday) and minutes since midnight in the merchant's time zone. */
  weekday: number;
  minuteOfDay: number;
  locationId?: string;
  tierMultiplier?: number;
  /** Product of the multipliers of campaigns running now for this card. */
  campaignMultiplier?: number;
  /** Points this card already earned today (for capPerDay). */
  earnedToday: number;
};

export type EarnResult = {
  points: number;
  base: number;
  factor: number;
  capped: "transaction" | "day" | null;
  reason?: "below_min_spend" | "no_purchase";
};

function minutes(hhmm: string): number {
  const [h, m] = hhmm.split(":").map(Number);
  return h! * 60 + m!;
}

function inWindow(minute: number, from?: string, to?: string): boolean {
  const start = from ? minutes(from) : 0;
  const end = to ? minutes(to) : 24 * 60;
  // A window like 22:00–02:00 wraps past midnight.
  return start <= end ? minute >= start && minute < end : minute >= start || minute < end;
}

/** Points (or cashback minor units) a transaction earns. Pure: same rules and context, same answer. */
export function evaluateEarn(rules: EarningRules, ctx: EarnContext): EarnResult {
  let base: number;
  if (rules.basis === "visit") {
    if (ctx.amountMinor !== undefined && ctx.amountMinor < rules.minSpend) return none("below_min_spend");
    base = rules.rate;
  } else {
    if (ctx.amountMinor === undefined) return none("no_purchase");
    if (ctx.amountMinor < rules.minSpend) return none("below_min_spend");
    base =
      rules.basis === "amount"
        ? toMajor(ctx.amountMinor, ctx.currency) * rules.rate
        : (ctx.amountMinor * rules.rate) / 100;
  }

  let factor = (ctx.tierMultiplier ?? 1) * (ctx.campaignMultiplier ?? 1);
  for (const m of rules.multipliers) {
    if (m.kind === "schedule" && m.weekdays.includes(ctx.weekday) && inWindow(ctx.minuteOfDay, m.from, m.to)) factor *= m.factor;
    if (m.kind === "location" && ctx.locationId && m.locationIds.includes(ctx.locationId)) factor *= m.factor;
  }

  // Round once, at the end, after a tiny nudge so 0.1 * 3 style float noise does not lose a point.
  const raw = base * factor;
  const nudged = Math.abs(raw - Math.round(raw)) < 1e-9 ? Math.round(raw) : raw;
  let points = rules.rounding === "ceil" ? Math.ceil(nudged) : rules.rounding === "round" ? Math.round(nudged) : Math.floor(nudged);

  let capped: EarnResult["capped"] = null;
  if (rules.capPerTransaction !== null && points > rules.capPerTransaction) {
    points = rules.capPerTransaction;
    capped = "transaction";
  }
  if (rules.capPerDay !== null) {
    const left = Math.max(0, rules.capPerDay - ctx.earnedToday);
    if (points > left) {
      points = left;
      capped = "day";
    }
  }
  return { points: Math.max(0, points), base, factor, capped };

  function none(reason: EarnResult["reason"]): EarnResult {
    return { points: 0, base: 0, factor: 1, capped: null, reason };
  }
}

// Building an Intl formatter costs far more than using one: keep one per time zone. Using one still
// costs more than anything else in an earn's rules, and a zone's clock reads the same for a whole
// UTC minute (offsets are whole minutes): keep each zone's last minute too.
const clocks = new Map<string, Intl.DateTimeFormat>();
const lastMinute = new Map<string, { minute: number; clock: LocalClock }>();

export type LocalClock = { weekday: number; minuteOfDay: number; date: string };

/** Local weekday, minute of day and date of `at` in an IANA time zone. */
export function localClock(at: Date, timeZone: string): LocalClock {
  const minute = Math.floor(at.getTime() / 60_000);
  const last = lastMinute.get(timeZone);
  if (last?.minute === minute) return { ...last.clock };
  const clock = readClock(at, timeZone);
  if (lastMinute.size > 1_000) lastMinute.clear();
  lastMinute.set(timeZone, { minute, clock: { ...clock } });
  return clock;
}

function readClock(at: Date, timeZone: string): LocalClock {
  let format = clocks.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone,
      weekday: "short",
      hour: "2-digit",
      minute: "2-digit",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hourCycle: "h23",
    });
    clocks.set(timeZone, format);
  }
  const parts = format.formatToParts(at);
  const get = (type: string) => parts.find((p) => p.type === type)!.value;
  const weekday = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"].indexOf(get("weekday"));
  return {
    weekday,
    minuteOfDay: Number(get("hour")) * 60 + Number(get("minute")),
    date: `${get("year")}-${get("month")}-${get("day")}`,
  };
}
