import { z } from "zod";

/**
 * Shared zod helpers for input from people and programs: ids and text fields never carry control
 * characters (NUL breaks Postgres with a 500; others hide text in logs and screens).
 */

// C0 controls but tab and newlines, DEL, and C1 controls.
const CONTROL_EXCEPT_TAB_NEWLINE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
const ANY_CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** True when `value` has a control character; `multiline` allows tab, LF and CR. */
export function hasControlChars(value: string, opts: { multiline?: boolean } = {}): boolean {
  return (opts.multiline ? CONTROL_EXCEPT_TAB_NEWLINE : ANY_CONTROL).test(value);
}

/** One line of text without control characters (names, labels, reasons). Add .trim().min().max() as needed. */
export const SafeText = z.string().refine((v) => !hasControlChars(v), "must not contain control characters");

/** Text that may span lines (descriptions, addresses): tab and newlines allowed, other control characters not. */
export const SafeMultilineText = z.string().refine((v) => !hasControlChars(v, { multiline: true }), "must not contain control characters");
