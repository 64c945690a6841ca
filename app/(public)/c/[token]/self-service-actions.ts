"use server";

import { z } from "zod";
import { dbReady } from "@/db/client";
import { publicAction } from "@/app/_server/action";
import { limitCardTraffic } from "@/app/(public)/_public";
import { clientIp } from "@/app/_server/client-ip";
import { OwnDetailsInput, OwnPreferencesInput, requestOwnErasure, setOwnMarketing, updateOwnDetails } from "@/lib/customers/self-service";
import { enforceRateLimit } from "@/lib/rate-limit";

// The card page's self-service: the card's public token is the holder's proof, as for redeeming.

const saveDetails = publicAction("card_page.details", { input: OwnDetailsInput }, async ({ input }) => {
  await limitCardTraffic(await clientIp(), input.token, "details");
  const result = await updateOwnDetails(await dbReady(), input);
  return { changed: result.changed };
});

const savePreferences = publicAction("card_page.preferences", { input: OwnPreferencesInput }, async ({ input }) => {
  await limitCardTraffic(await clientIp(), input.token, "preferences");
  return setOwnMarketing(await dbReady(), input);
});

const EraseRequest = z.object({ token: z.string().min(16).max(64) }).strict();

const requestDeletion = publicAction("card_page.request_erasure", { input: EraseRequest }, async ({ input }) => {
  const ip = await clientIp();
  await limitCardTraffic(ip, input.token, "erase");
  // Per address as well as per card (in the verb): one visitor cannot mail many holders either.
  await enforceRateLimit("erasureEmail", `ip:${ip}`, { limit: 10, windowSeconds: 3600 });
  await requestOwnErasure(await dbReady(), input);
  return { sent: true };
});

/** Saves the holder's name and birthday. */
export async function saveOwnDetails(input: z.input<typeof OwnDetailsInput>) {
  return saveDetails(input);
}

/** Turns marketing email on or off. */
export async function saveOwnPreferences(input: z.input<typeof OwnPreferencesInput>) {
  return savePreferences(input);
}

/** Emails the holder a link that confirms deleting their card and data. */
export async function requestOwnDeletion(input: z.input<typeof EraseRequest>) {
  return requestDeletion(input);
}
