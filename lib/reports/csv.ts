/**
 * CSV cells for exports (RFC 4180): a cell is quoted when it holds a comma, a quote, a line break or
 * leading or trailing space, with quotes doubled. Text a spreadsheet would run as a formula (a cell
 * starting with = + - @, or a tab or carriage return before one) gets a leading apostrophe, the
 * OWASP "CSV injection" defence. Numbers and money amounts are written by us, never by a customer, so
 * they keep their sign: "-50" stays a number.
 */

export type CellKind = "text" | "number" | "money" | "timestamp";
export type CellValue = string | number | null;

// Character codes, tested by hand: an export renders millions of cells, and a regular expression per
// cell was most of its time (bench/exports).
const QUOTE = 34;
const COMMA = 44;
const LF = 10;
const CR = 13;
/** = + - @, and a tab or carriage return in front of one: what a spreadsheet may start a formula with. */
const FORMULA = new Set([61, 43, 45, 64, 9, 13]);
/** Space, tab, line breaks, form feed and no-break space: kept only inside quotes at either end. */
const isBlank = (c: number) => c === 32 || (c >= 9 && c <= 13) || c === 160;

function needsQuotes(s: string): boolean {
  const n = s.length;
  if (n === 0) return false;
  if (isBlank(s.charCodeAt(0)) || isBlank(s.charCodeAt(n - 1))) return true;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c === QUOTE || c === COMMA || c === LF || c === CR) return true;
  }
  return false;
}

const quoted = (s: string) => `"${s.replace(/"/g, '""')}"`;

/** A cell of text a person typed (a name, a reference): neutralised, then quoted if needed. */
export function textCell(value: string | null): string {
  if (value === null || value === "") return "";
  const safe = FORMULA.has(value.charCodeAt(0)) ? `'${value}` : value;
  return needsQuotes(safe) ? quoted(safe) : safe;
}

/** Any cell, by its kind. Only text is neutralised; the others are produced by Keepcard itself. */
export function csvCell(kind: CellKind, value: CellValue): string {
  if (value === null) return "";
  if (typeof value === "number") return String(value);
  if (kind === "text") return textCell(value);
  return needsQuotes(value) ? quoted(value) : value;
}

/** One line, CRLF-terminated as RFC 4180 says. */
export function csvLine(kinds: readonly CellKind[], values: readonly CellValue[]): string {
  let line = "";
  for (let i = 0; i < values.length; i++) {
    if (i > 0) line += ",";
    line += csvCell(kinds[i]!, values[i]!);
  }
  return `${line}\r\n`;
}
