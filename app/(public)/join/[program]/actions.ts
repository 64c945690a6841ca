"use server";

import { redirect } from "next/navigation";
import { dbReady } from "@/db/client";
import { publicAction } from "@/app/_server/action";
import { JoinInput, joinFromPublicPage } from "@/lib/cards/join";
import { enforceRateLimit } from "@/lib/rate-limit";
import { clientIp } from "@/app/_server/client-ip";
import { UNKNOWN_CLIENT } from "@/lib/http/client-ip";

const join = publicAction("join_page.join", { input: JoinInput }, async ({ input }) => {
  const ip = await clientIp();
  await enforceRateLimit("publicIp", `join:${ip}`);
  const result = await joinFromPublicPage(await dbReady(), input, { joinIp: ip === UNKNOWN_CLIENT ? null : ip });
  if (result.created) redirect(`/c/${result.card.publicToken}`);
  return { emailed: true as const };
});

/** Joins the program: a new member goes straight to the card; a known email gets the link by email. */
export async function joinProgram(input: JoinInput) {
  return join(input);
}
