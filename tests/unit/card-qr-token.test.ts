import { describe, expect, it } from "vitest";
import { cardQrToken } from "@/lib/cards/token";
import { signingKeys } from "@/lib/tokens/keys";
import { newId } from "@/lib/ids";
import { signCompactQr, signQr, verifyQr } from "@/lib/tokens/qr";

// The card's QR token is kept per card (lib/cards/token.ts): what a scanner reads must not change.
describe("card QR token", () => {
  const card = { id: "crd_a", merchantId: "mer_a", walletAuthToken: "wat12345rest-of-token", createdAt: new Date("2026-01-02T03:04:05Z") };

  it("is the token signing the card would give, every time", () => {
    const fresh = signQr({ kind: "card", id: card.id, merchantId: card.merchantId, nonce: "wat12345" }, signingKeys().privateKey);
    expect(cardQrToken(card)).toBe(fresh);
    expect(cardQrToken({ ...card })).toBe(fresh);
    expect(verifyQr(cardQrToken(card), { merchantId: "mer_a", kind: "card" })).toMatchObject({ t: "card", id: "crd_a", m: "mer_a", n: "wat12345" });
  });

  it("is the compact token for a card id of the usual shape, the same on every call", () => {
    const real = { ...card, id: newId("crd"), merchantId: newId("mer") };
    const token = cardQrToken(real);
    expect(token).toBe(signCompactQr({ kind: "card", id: real.id, merchantId: real.merchantId, time: real.createdAt }, signingKeys().privateKey));
    expect(cardQrToken({ ...real })).toBe(token);
    expect(verifyQr(token, { merchantId: real.merchantId, kind: "card" }).id).toBe(real.id);
  });

  it("differs for another card, another merchant or a new wallet token", () => {
    const token = cardQrToken(card);
    expect(cardQrToken({ ...card, id: "crd_b" })).not.toBe(token);
    expect(cardQrToken({ ...card, merchantId: "mer_b" })).not.toBe(token);
    expect(cardQrToken({ ...card, walletAuthToken: "other999" })).not.toBe(token);
    expect(verifyQr(cardQrToken({ ...card, id: "crd_b" }), { merchantId: "mer_a" }).id).toBe("crd_b");
  });
});
