import type { MessageKey } from "@/lib/i18n";

/** The texts of the claim form, translated on the server; a plain module, so the page can read the list. */
export const CLAIM_TEXTS = [
  "claim.use_card",
  "claim.not_you",
  "claim.submit",
  "claim.pending",
  "claim.done.open",
  "claim.emailed.body",
  "claim.claimed.title",
  "claim.claimed.body",
  "claim.expired.title",
  "claim.expired.body",
  "claim.unknown.title",
  "claim.unknown.body",
  "claim.closed",
  "claim.busy",
  "claim.wrong_card",
  "claim.error",
  "join.name",
  "join.name.error",
  "join.email",
  "join.email.error",
  "join.consent",
  "join.consent.error",
  "join.marketing",
] as const satisfies readonly MessageKey[];
export type ClaimTexts = Record<(typeof CLAIM_TEXTS)[number], string>;
