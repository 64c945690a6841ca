import type { Card } from "../../db/schema";
import { signQr } from "../tokens/qr";

/** The signed token in a card's QR (on the pass and the card page). Stable: no expiry, a fixed nonce. */
export function cardQrToken(card: Pick<Card, "id" | "merchantId" | "walletAuthToken">): string {
  return signQr({ kind: "card", id: card.id, merchantId: card.merchantId, nonce: card.walletAuthToken.slice(0, 8) });
}
