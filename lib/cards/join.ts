import { z } from "zod";
import type { Executor } from "../../db/client";
import type { Card } from "../../db/schema";
import { systemActor, type Ctx } from "../context";
import { sendEmail } from "../email";
import { cardLinkEmail } from "../email/templates/card-link";
import { AppError } from "../errors";
import { Language } from "../i18n/languages";
import { loadPublicProgram } from "../programs/public";
import { CustomerInput, enroll, type EnrollOrigin } from "./enroll";
import { cardLinks } from "./links";
import { EntityId } from "../ids";

/** What the public join page sends. */
export const JoinInput = z
  .object({
    programId: EntityId,
    name: CustomerInput.shape.name.unwrap(),
    email: CustomerInput.shape.email,
    birthday: z.union([z.literal(""), z.iso.date("a date like 1990-04-23")]).optional(),
    consent: z.literal(true, { error: "Please agree to join." }),
    marketing: z.boolean().optional(),
    language: Language.optional(),
    // From the join link `?ref=CODE`; an unknown code is ignored.
    referralCode: z.string().max(40).regex(/^[A-Za-z0-9-]*$/).optional(),
  })
  .strict();
export type JoinInput = z.input<typeof JoinInput>;

type JoinResult = { merchantId: string } & ({ created: true; card: Card } | { created: false; emailed: true });

/**
 * Someone joins a program from its public page (anyone with the link may: the page is the
 * program's front door). A new member gets a card, which the page then shows. An email that
 * already has a card gets the link to it in that inbox instead (at most one such email an hour),
 * so the page never shows a card to whoever typed someone else's address.
 */
export async function joinFromPublicPage(db: Executor, raw: JoinInput, origin: EnrollOrigin = {}): Promise<JoinResult> {
  const input = JoinInput.parse(raw);
  const found = await loadPublicProgram(db, input.programId);
  if (!found) throw new AppError("not_found", "This program does not exist.");
  const { merchant, program } = found;
  const ctx: Ctx = { db, merchantId: merchant.id, actor: systemActor("join_page"), source: "join_page" };
  const { card, customer, created } = await enroll(ctx, {
    programId: program.id,
    customer: { email: input.email, name: input.name, ...(input.birthday ? { birthday: input.birthday } : {}), ...(input.language ? { language: input.language } : {}) },
    marketingConsent: input.marketing ?? false,
    ...(input.referralCode ? { referralCode: input.referralCode } : {}),
  }, origin);
  if (created) return { merchantId: merchant.id, created: true, card };

  const hour = new Date().toISOString().slice(0, 13);
  await sendEmail(db, {
    to: input.email,
    // In the language the member chose when they joined: the inbox is theirs, not the typist's.
    ...cardLinkEmail({ merchantName: merchant.name, brandColor: merchant.brandColor, programName: program.name, cardUrl: cardLinks(card).card, language: customer.language }),
    kind: "card_link",
    merchantId: merchant.id,
    dedupeKey: `card_link:${card.id}:${hour}`,
  });
  return { merchantId: merchant.id, created: false, emailed: true };
}
