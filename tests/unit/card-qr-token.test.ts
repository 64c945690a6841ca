import { describe, expect, it } from "vitest";
import { cardQrToken } from "@/lib/cards/token";
import { signingKeys } from "@/lib/tokens/keys";
import { signQr, verifyQr } from "@/lib/tokens/qr";

// The card's QR token is kept per card (lib/cards/token.ts): what a scanner reads must not change.
describe("card QR token", () => {
  const card = { id: "crd_a", merchantId: "mer_a", walletAuthToken: "wat12345rest-of-token" };

  it("is the token signing the card would give, every time", () => {
    const fresh = signQr({ kind: "card", id: card.id, merchantId: card.merchantId, nonce: "wat12345" }, signingKeys().privateKey);
    expect(cardQrToken(card)).toBe(fresh);
    expect(cardQrToken({ ...card })).toBe(fresh);
    expect(verifyQr(cardQrToken(card), { merchantId: "mer_a", kind: "card" })).toMatchObject({ t: "card", id: "crd_a", m: "mer_a", n: "wat12345" });
  });

  it("differs for another card, another merchant or a new wallet token", () => {
    const token = cardQrToken(card);
    expect(cardQrToken({ ...card, id: "crd_b" })).not.toBe(token);
    expect(cardQrToken({ ...card, merchantId: "mer_b" })).not.toBe(token);
    expect(cardQrToken({ ...card, walletAuthToken: "other999" })).not.toBe(token);
    expect(verifyQr(cardQrToken({ ...card, id: "crd_b" }), { merchantId: "mer_a" }).id).toBe("crd_b");
  });
});
