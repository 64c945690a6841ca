import { cookies } from "next/headers";
import { appOrigin } from "@/lib/env";

/**
 * The cards this browser has opened (their public tokens), so a scanned claim code can go straight
 * onto the right card. Sent only to /claim pages; httpOnly, at most ten cards, newest first.
 */
const NAME = "kc_cards";
const TOKEN = /^[A-Za-z0-9]{16,64}$/;
const MAX = 10;

export async function rememberedCards(): Promise<string[]> {
  const raw = (await cookies()).get(NAME)?.value ?? "";
  return raw.split(".").filter((t) => TOKEN.test(t)).slice(0, MAX);
}

/** Adds a card to the list (call from a server action or route handler). */
export async function rememberCard(token: string): Promise<void> {
  if (!TOKEN.test(token)) return;
  const list = [token, ...(await rememberedCards()).filter((t) => t !== token)].slice(0, MAX);
  (await cookies()).set(NAME, list.join("."), {
    httpOnly: true,
    sameSite: "lax",
    secure: new URL(appOrigin).protocol === "https:",
    path: "/claim",
    maxAge: 400 * 86_400,
  });
}
