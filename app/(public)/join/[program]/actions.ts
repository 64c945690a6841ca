"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { dbReady } from "@/db/client";
import { publicAction } from "@/app/_server/action";
import { CustomerInput, enroll } from "@/lib/cards/enroll";
import { cardLinks } from "@/lib/cards/links";
import { systemActor } from "@/lib/context";
import { sendEmail } from "@/lib/email";
import { AppError } from "@/lib/errors";
import { afterCommit } from "@/lib/events/after-commit";
import { loadPublicProgram } from "@/lib/programs/public";
import { enforceRateLimit } from "@/lib/rate-limit";
import { clientIp } from "@/app/_server/client-ip";

const JoinInput = z
  .object({
    programId: z.string().min(1).max(64),
    name: CustomerInput.shape.name.unwrap(),
    email: CustomerInput.shape.email,
    birthday: z.union([z.literal(""), z.iso.date("a date like 1990-04-23")]).optional(),
    consent: z.literal(true, { error: "Please agree to join." }),
    marketing: z.boolean().optional(),
  })
  .strict();

const join = publicAction("join_page.join", { input: JoinInput }, async ({ input }) => {
  await enforceRateLimit("publicIp", `join:${await clientIp()}`);
  const db = await dbReady();
  const found = await loadPublicProgram(db, input.programId);
  if (!found) throw new AppError("not_found", "This program does not exist.");
  const { card, created } = await enroll(
    { db, merchantId: found.merchant.id, actor: systemActor("join_page"), source: "join_page" },
    {
      programId: input.programId,
      customer: { email: input.email, name: input.name, ...(input.birthday ? { birthday: input.birthday } : {}) },
      marketingConsent: input.marketing ?? false,
    },
  );
  afterCommit(found.merchant.id);
  if (created) redirect(`/c/${card.publicToken}`);
  // Someone with this email already has a card: send the link to that inbox rather than showing the card here.
  const link = cardLinks(card).card;
  const hour = new Date().toISOString().slice(0, 13);
  await sendEmail(db, {
    to: input.email,
    subject: `Your ${found.program.name} card`,
    text: `Here is your ${found.program.name} card at ${found.merchant.name}:\n${link}\n\nAdd it to Apple Wallet or Google Wallet from that page.`,
    html: `<p>Here is your <strong>${escapeHtml(found.program.name)}</strong> card at ${escapeHtml(found.merchant.name)}.</p><p><a href="${link}">Open your card</a></p><p>Add it to Apple Wallet or Google Wallet from that page.</p>`,
    kind: "card_link",
    merchantId: found.merchant.id,
    dedupeKey: `card_link:${card.id}:${hour}`,
  });
  return { emailed: true as const };
});

function escapeHtml(s: string) {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Joins the program: a new member goes straight to the card; a known email gets the link by email. */
export async function joinProgram(input: z.input<typeof JoinInput>) {
  return join(input);
}
