import { headers } from "next/headers";
import { cache } from "react";
import { dbReady } from "@/db/client";
import { languageOfCard } from "@/lib/cards/language";
import { customerOfLink } from "@/lib/customers/self-service";
import { isLanguage, negotiateLanguage, type Language } from "@/lib/i18n";
import { PAGE_PATH_HEADER } from "./page-path";

/**
 * The join page's language: the one picked in its select (`?lang=`), else the best match of the
 * browser's Accept-Language, else English.
 */
export function joinLanguage(lang: unknown, acceptLanguage: string | null): Language {
  return isLanguage(lang) ? lang : negotiateLanguage(acceptLanguage);
}

/** The card's holder's language, read once per request (the layout and the page both ask). */
export const cardPageLanguage = cache(async (token: string): Promise<Language> => languageOfCard(await dbReady(), token));

/** The language of the customer a link in an email (unsubscribe, deletion) is for. */
const linkPageLanguage = cache(async (purpose: "unsubscribe" | "erase", token: string): Promise<Language> => (await customerOfLink(await dbReady(), purpose, token))?.customer.language ?? "en");

/**
 * The language of the page being rendered, for the root layout's `<html lang>`: a card page is in
 * its holder's language, a join or claim page in the one chosen there or the browser's; everything else
 * (the dashboard, the scanner) is in English.
 */
export async function pageLanguage(): Promise<Language> {
  const h = await headers();
  const page = h.get(PAGE_PATH_HEADER);
  if (!page) return "en";
  const url = new URL(page, "http://page.invalid");
  const card = /^\/c\/([A-Za-z0-9]{16,64})\/?$/.exec(url.pathname);
  if (card) return cardPageLanguage(card[1]!);
  if (/^\/(join|claim)\/[^/]+\/?$/.test(url.pathname)) return joinLanguage(url.searchParams.get("lang"), h.get("accept-language"));
  // The pages of the links in a customer's emails: in that customer's language.
  const link = /^\/(?:email\/unsubscribe\/([^/]+)\/confirm|delete-my-data\/([^/]+))\/?$/.exec(url.pathname);
  if (link?.[2] === "done") return isLanguage(url.searchParams.get("lang")) ? (url.searchParams.get("lang") as Language) : "en";
  if (link) return linkPageLanguage(link[1] ? "unsubscribe" : "erase", (link[1] ?? link[2])!);
  return "en";
}
