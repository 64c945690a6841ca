import type { Card } from "../../db/schema";
import { signCompactQr, signQr } from "../tokens/qr";

/**
 * The signed token in a card's QR (on the pass and the card page): the compact format (QR version 6,
 * level M), stable for the card's life. Old `kc1.` tokens on cards already printed or installed
 * keep verifying; a card id of another shape still gets one.
 */
export function cardQrToken(card: Pick<Card, "id" | "merchantId" | "walletAuthToken" | "createdAt">): string {
  return (
    signCompactQr({ kind: "card", id: card.id, merchantId: card.merchantId, time: card.createdAt }) ??
    signQr({ kind: "card", id: card.id, merchantId: card.merchantId, nonce: card.walletAuthToken.slice(0, 8) })
  );
}
