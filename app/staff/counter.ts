import type { ActionResult } from "@/lib/action-result";
import type { ScannedCard } from "@/lib/cards/lookup";
import { formatMoney } from "@/lib/money";

/** A cashier-facing title for each error code a counter action can answer with. */
export const ERROR_TITLES: Record<string, string> = {
  already_redeemed: "Already used",
  expired: "Expired",
  wrong_merchant: "Not our card",
  invalid_token: "Not a Keepcard code",
  not_found: "Not found",
  insufficient_balance: "Not enough points",
  inactive: "Not active",
  card_held: "Card on hold",
  rate_limited: "Slow down a little",
  forbidden: "Not allowed",
  unauthorized: "Signed out",
  invalid: "Check the entry",
};

/** A balance or an award in the card's own unit: "3 stamps", "¥1,250", "1,250 points". */
export function unitOf(card: Pick<ScannedCard, "kind" | "currency">, n: number): string {
  if (card.kind === "stamps") return `${n} stamp${n === 1 ? "" : "s"}`;
  if (card.kind === "cashback") return formatMoney(n, card.currency);
  return `${n.toLocaleString("en-US")} point${n === 1 ? "" : "s"}`;
}

/** Runs a server action, telling a network failure (offline, server away) apart from an answer from the server. */
export async function callOnline<T>(fn: () => Promise<ActionResult<T>>): Promise<ActionResult<T> | "offline"> {
  if (typeof navigator !== "undefined" && !navigator.onLine) return "offline";
  try {
    return await fn();
  } catch {
    return "offline";
  }
}
