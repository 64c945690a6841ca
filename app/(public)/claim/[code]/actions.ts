"use server";

import { z } from "zod";
import { dbReady } from "@/db/client";
import { publicAction } from "@/app/_server/action";
import { clientIp } from "@/app/_server/client-ip";
import type { Program } from "@/db/schema";
import { ClaimByEmailInput, claimByEmail, claimCode, lookupClaimCode, rememberedCardFor } from "@/lib/claims/claim";
import { AppError } from "@/lib/errors";
import { translator } from "@/lib/i18n";
import { Language } from "@/lib/i18n/languages";
import { rememberedCards } from "../remembered";

/** The claimed value and the new balance, as the customer reads them. */
function amounts(language: string | undefined, program: Pick<Program, "kind" | "currency">, value: number, balance: number) {
  const tr = translator(language);
  const show = (n: number) => (program.kind === "cashback" ? tr.money(n, program.currency) : tr.t("unit.points", { count: n }));
  return { value: show(value), balance: show(balance) };
}

const ClaimWithCard = z.object({ code: z.string().min(1).max(64), language: Language.optional() }).strict();

const withCard = publicAction("claim_page.claim_card", { input: ClaimWithCard }, async ({ input }) => {
  const db = await dbReady();
  const found = await lookupClaimCode(db, input.code);
  if (!found) throw new AppError("not_found", "This code is not valid.");
  // The card comes from this browser's cookie, never from the request's input.
  const card = await rememberedCardFor(db, await rememberedCards(), found);
  if (!card) throw new AppError("wrong_merchant", "This browser knows no card this code fits.");
  const claimed = await claimCode(db, { code: input.code, cardId: card.id, ip: await clientIp() });
  return { kind: "card" as const, cardPath: `/c/${card.publicToken}`, ...amounts(input.language, claimed.program, claimed.value, claimed.card.balance) };
});

const withEmail = publicAction("claim_page.claim_email", { input: ClaimByEmailInput }, async ({ input }) => {
  const db = await dbReady();
  const result = await claimByEmail(db, input, await clientIp());
  if (result.created) {
    // A newcomer's own new card: the page shows it, and the form has this browser remember it (through
    // /claim/remember: a cookie set here would re-render the page, which now says the code is claimed).
    return { kind: "card" as const, cardPath: `/c/${result.card.publicToken}`, ...amounts(input.language, result.program, result.value, result.card.balance) };
  }
  return { kind: "emailed" as const, ...amounts(input.language, result.program, result.value, 0) };
});

/** Claims the code onto the card this browser remembers. */
export async function claimToRememberedCard(input: z.input<typeof ClaimWithCard>) {
  return withCard(input);
}

/** Claims the code for an email: a newcomer joins and sees the card; a member is credited and gets the link by email. */
export async function claimWithEmail(input: z.input<typeof ClaimByEmailInput>) {
  return withEmail(input);
}
