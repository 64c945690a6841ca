import type { Card } from "../../db/schema";
import { env } from "../env";
import { cardQrToken } from "./token";

/** Where a customer finds their card: the card page, the Apple pass download and the Google save link. */
export function cardLinks(card: Pick<Card, "id" | "merchantId" | "publicToken" | "walletAuthToken" | "createdAt">) {
  const base = env.APP_URL.replace(/\/$/, "");
  return {
    card: `${base}/c/${card.publicToken}`,
    apple: `${base}/c/${card.publicToken}/apple.pkpass`,
    google: `${base}/c/${card.publicToken}/google`,
    qrToken: cardQrToken(card),
  };
}
