/**
 * Cells shared by the dashboard's tables (and used beside them): dates, money, numbers and one
 * status-to-colour map. Render them on the server: DateCell's relative text is worked out against
 * the time of the request.
 */
import { formatMoney } from "@/lib/money";
import { Badge, cx, formatDate, formatNumber, type BadgeTone } from "./ui";

const RELATIVE = new Intl.RelativeTimeFormat("en-US", { numeric: "auto" });
const UNITS: Array<[Intl.RelativeTimeFormatUnit, number, number]> = [
  // unit, its length in seconds, and up to how many of them we say before moving to the next unit
  ["second", 1, 45],
  ["minute", 60, 45],
  ["hour", 3600, 22],
  ["day", 86_400, 26],
  ["month", 2_629_800, 11],
  ["year", 31_557_600, Infinity],
];

/** "just now", "5 minutes ago", "in 3 days", "last year": how far `date` is from `now`. */
export function formatRelative(date: Date | string, now: number = Date.now()): string {
  const seconds = (new Date(date).getTime() - now) / 1000;
  if (Math.abs(seconds) < 45) return "just now";
  for (const [unit, size, upTo] of UNITS) {
    const n = Math.round(seconds / size);
    if (Math.abs(n) <= upTo) return RELATIVE.format(n, unit);
  }
  return formatDate(date);
}

/**
 * A point in time, with the full date and time as its title. `show`: "relative" ("3 hours ago",
 * the default), "date" ("Mar 4, 2026") or "datetime" ("Mar 4, 2026, 9:30 AM"), in `timeZone`.
 */
export function DateCell({ value, timeZone, show = "relative", empty = "—" }: { value: Date | string | null | undefined; timeZone?: string; show?: "relative" | "date" | "datetime"; empty?: string }) {
  if (!value) return <span className="text-gray-600">{empty}</span>;
  const full = formatDate(value, timeZone);
  const text = show === "relative" ? formatRelative(value) : show === "date" ? new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeZone }).format(new Date(value)) : full;
  return (
    <time dateTime={new Date(value).toISOString()} title={full} className="whitespace-nowrap">
      {text}
    </time>
  );
}

/** Minor units of a currency, formatted by lib/money. */
export function MoneyCell({ minor, currency, className }: { minor: number | null | undefined; currency: string; className?: string }) {
  if (minor === null || minor === undefined) return <span className="text-gray-600">—</span>;
  return <span className={cx("tabular-nums", className)}>{formatMoney(minor, currency)}</span>;
}

/** A count, grouped by thousands; `signed` adds a "+" and colours gains and losses. */
export function NumberCell({ value, signed, className }: { value: number | null | undefined; signed?: boolean; className?: string }) {
  if (value === null || value === undefined) return <span className="text-gray-600">—</span>;
  const tone = signed ? (value < 0 ? "text-red-700" : "text-emerald-700") : "";
  return (
    <span className={cx("tabular-nums", tone, className)}>
      {signed && value > 0 ? "+" : ""}
      {formatNumber(value)}
    </span>
  );
}

/** Every status word the dashboard shows, and its colour. A status missing here is grey. */
const STATUS_TONE: Record<string, BadgeTone> = {
  // going well / done
  active: "green",
  ok: "green",
  offered: "green",
  delivered: "green",
  completed: "green",
  issued: "green",
  earned: "green",
  // on its way
  scheduled: "blue",
  pending: "blue",
  running: "blue",
  reversed: "blue",
  test: "blue",
  // needs a look
  paused: "amber",
  awaiting_export: "amber",
  no_customer: "amber",
  currency_mismatch: "amber",
  // went wrong or stopped
  failed: "red",
  cancelled: "red",
  revoked: "red",
  closed: "red",
  completed_with_failures: "red",
  out_of_stock: "red",
  bad_signature: "red",
  refused: "red",
};

export function statusTone(status: string): BadgeTone {
  return STATUS_TONE[status] ?? "gray";
}

/** A status as a coloured badge; `label` replaces the raw status word where people need other words. */
export function StatusBadge({ status, label }: { status: string; label?: string }) {
  return <Badge tone={statusTone(status)}>{label ?? status.replace(/_/g, " ")}</Badge>;
}
