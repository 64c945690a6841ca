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

/** The link a member shares to invite a friend: the program's join page with their referral code. */
export function referralLink(card: Pick<Card, "programId" | "referralCode">): string {
  return `${env.APP_URL.replace(/\/$/, "")}/join/${card.programId}?ref=${encodeURIComponent(card.referralCode)}`;
}
