import type { MessageKey } from "@/lib/i18n";

/** The texts of the join form, translated on the server (the catalogue stays out of the browser bundle); a plain module, so the page can read the list. */
export const JOIN_TEXTS = [
  "join.language",
  "join.name",
  "join.name.error",
  "join.email",
  "join.email.error",
  "join.birthday",
  "join.birthday.hint",
  "join.birthday.error",
  "join.consent",
  "join.consent.error",
  "join.marketing",
  "join.submit",
  "join.pending",
  "join.already.title",
  "join.already.body",
] as const satisfies readonly MessageKey[];
export type JoinTexts = { key: (typeof JOIN_TEXTS)[number]; texts: Record<(typeof JOIN_TEXTS)[number], string> };

