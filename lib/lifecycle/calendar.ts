import { utcToZoned, zonedToUtc } from "../campaigns/time";

export type BirthdayDay = { year: number; mmdd: string };

const isLeap = (year: number) => new Date(Date.UTC(year, 1, 29)).getUTCMonth() === 1;

/**
 * The calendar days (month-day, with the year they fall in) from `offset` days after today in time
 * zone `tz`, `count` of them. A 29 February birthday counts on 28 February in other years.
 */
export function birthdayDays(at: Date, tz: string, offset: number, count: number): BirthdayDay[] {
  const today = utcToZoned(at, tz).slice(0, 10);
  const start = Date.UTC(Number(today.slice(0, 4)), Number(today.slice(5, 7)) - 1, Number(today.slice(8, 10)));
  const days: BirthdayDay[] = [];
  for (let i = offset; i < offset + count; i++) {
    const d = new Date(start + i * 86_400_000).toISOString();
    const year = Number(d.slice(0, 4));
    const mmdd = d.slice(5, 10);
    days.push({ year, mmdd });
    if (mmdd === "02-28" && !isLeap(year)) days.push({ year, mmdd: "02-29" });
  }
  return days;
}

/** The first instant of the calendar month of `at` in time zone `tz`. */
export function startOfLocalMonth(at: Date, tz: string): Date {
  return zonedToUtc(`${utcToZoned(at, tz).slice(0, 7)}-01T00:00`, tz);
}
