/**
 * CSV cells for exports (RFC 4180): a cell is quoted when it holds a comma, a quote, a line break or
 * leading or trailing space, with quotes doubled. Text a spreadsheet would run as a formula (a cell
 * starting with = + - @, or a tab or carriage return before one) gets a leading apostrophe, the
 * OWASP "CSV injection" defence. Numbers and money amounts are written by us, never by a customer, so
 * they keep their sign: "-50" stays a number.
 */

export type CellKind = "text" | "number" | "money" | "timestamp";
export type CellValue = string | number | null;

const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/;
const FORMULA_START = /^[=+\-@\t\r]/;

/** A cell of text a person typed (a name, a reference): neutralised, then quoted if needed. */
export function textCell(value: string | null): string {
  if (value === null || value === "") return "";
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** Any cell, by its kind. Only text is neutralised; the others are produced by Keepcard itself. */
export function csvCell(kind: CellKind, value: CellValue): string {
  if (value === null) return "";
  if (typeof value === "number") return String(value);
  if (kind === "text") return textCell(value);
  const s = value;
  return NEEDS_QUOTES.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
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
