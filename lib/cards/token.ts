import type { KeyObject } from "node:crypto";
import type { Card } from "../../db/schema";
import { signingKeys } from "../tokens/keys";
import { signCompactQr, signQr } from "../tokens/qr";

// Every card answer carries the card's QR token; signing it (Ed25519) on each earn was the largest
// single cost of the earn path. The token is a pure function of the card's id, merchant, creation
// time and wallet token and of the signing key (Ed25519 signatures are deterministic), so it is kept
// per card here, for the cards of the last few minutes: at 140 earns a second on fresh cards (the
// soak) a cap of 20,000 took ten minutes and ~9 MB of heap to fill, which a memory watch cannot tell
// from a leak; 5,000 is full within two minutes at that rate and still holds the cards a busy
// instance answered for in the last minutes (each one signed again at most once per eviction).
const CACHE_MAX = 5_000;
// Keyed by the card's id (a short string whose hash V8 keeps), the other inputs checked on a hit.
const cache = new Map<string, { merchantId: string; nonce: string; createdAt: number; token: string }>();
let cacheKey: KeyObject | undefined;

/**
 * The signed token in a card's QR (on the pass and the card page): the compact format (QR version 6,
 * level M), stable for the card's life. Old `kc1.` tokens on cards already printed or installed
 * keep verifying; a card id of another shape still gets one.
 */
export function cardQrToken(card: Pick<Card, "id" | "merchantId" | "walletAuthToken" | "createdAt">): string {
  const key = signingKeys().privateKey;
  if (key !== cacheKey) {
    cache.clear();
    cacheKey = key;
  }
  const nonce = card.walletAuthToken.slice(0, 8);
  const createdAt = card.createdAt.getTime();
  const hit = cache.get(card.id);
  if (hit && hit.merchantId === card.merchantId && hit.nonce === nonce && hit.createdAt === createdAt) return hit.token;
  const token =
    signCompactQr({ kind: "card", id: card.id, merchantId: card.merchantId, time: card.createdAt }, key) ??
    signQr({ kind: "card", id: card.id, merchantId: card.merchantId, nonce }, key);
  if (!hit && cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value!); // oldest first
  cache.set(card.id, { merchantId: card.merchantId, nonce, createdAt, token });
  return token;
}
