import { generateKeyPairSync } from "node:crypto";
import jsQR from "jsqr";
import { PNG } from "pngjs";
import QRCode from "qrcode";
import { describe, expect, it } from "vitest";
import { peekToken } from "@/app/staff/queue";
import { AppError } from "@/lib/errors";
import { newId } from "@/lib/ids";
import { parseCompact } from "@/lib/tokens/compact";
import { isQrToken, signCompactQr, signQr, verifyQr } from "@/lib/tokens/qr";

const { privateKey, publicKey } = generateKeyPairSync("ed25519");
const other = generateKeyPairSync("ed25519");
const ISSUED = new Date("2025-03-04T05:06:07Z");

function refusal(fn: () => unknown): AppError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }
  throw new Error("expected the token to be refused");
}

/**
 * Renders `text` as a 320-pixel PNG at level M (about the size of a pass's QR on a phone screen),
 * scales it down 2× and box-blurs it (a cheap camera, a cracked screen), then decodes it with jsQR.
 */
async function readBack(text: string): Promise<string | null> {
  const png = PNG.sync.read(await QRCode.toBuffer(text, { errorCorrectionLevel: "M", margin: 4, width: 320 }));
  const w = Math.floor(png.width / 2);
  const h = Math.floor(png.height / 2);
  const grey = (x: number, y: number) => png.data[(y * png.width + x) * 4]!;
  const small = new Float32Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) small[y * w + x] = (grey(2 * x, 2 * y) + grey(2 * x + 1, 2 * y) + grey(2 * x, 2 * y + 1) + grey(2 * x + 1, 2 * y + 1)) / 4;
  const rgba = new Uint8ClampedArray(w * h * 4);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let sum = 0;
      let n = 0;
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const xx = x + dx;
          const yy = y + dy;
          if (xx < 0 || yy < 0 || xx >= w || yy >= h) continue;
          sum += small[yy * w + xx]!;
          n++;
        }
      }
      const v = sum / n;
      rgba.set([v, v, v, 255], (y * w + x) * 4);
    }
  }
  return jsQR(rgba, w, h)?.data ?? null;
}

describe("compact QR token (cards and vouchers)", () => {
  const cardId = newId("crd");
  const token = signCompactQr({ kind: "card", id: cardId, merchantId: "mer_a", time: ISSUED }, privateKey)!;

  it("is alphanumeric-mode text that fits QR version 6 at error correction M", () => {
    expect(token).toMatch(/^KC2[A-Z2-7]+$/);
    expect(token.length).toBeLessThanOrEqual(154);
    const qr = QRCode.create(token, { errorCorrectionLevel: "M" });
    expect(qr.version).toBeLessThanOrEqual(6);
    expect(qr.errorCorrectionLevel.bit).toBe(QRCode.create("x", { errorCorrectionLevel: "M" }).errorCorrectionLevel.bit);
    // The old token needs a much denser code: this is what the counter scanners struggled with.
    const old = signQr({ kind: "card", id: cardId, merchantId: `mer_${"x".repeat(20)}`, nonce: "abcdefgh" }, privateKey);
    expect(QRCode.create(old, { errorCorrectionLevel: "M" }).version).toBeGreaterThan(6);
  });

  it("verifies offline with the public key, carrying the card id and merchant", () => {
    expect(isQrToken(token)).toBe(true);
    expect(verifyQr(` ${token}\n`, { merchantId: "mer_a" }, publicKey)).toMatchObject({ t: "card", id: cardId, m: "mer_a" });
    expect(parseCompact(token)?.time).toBe(ISSUED.getTime() / 1000);
  });

  it("is stable for a card, different across cards", () => {
    expect(signCompactQr({ kind: "card", id: cardId, merchantId: "mer_a", time: ISSUED }, privateKey)).toBe(token);
    expect(signCompactQr({ kind: "card", id: newId("crd"), merchantId: "mer_a", time: ISSUED }, privateKey)).not.toBe(token);
  });

  it("refuses another business's card, another key, a changed card id and truncation", () => {
    expect(refusal(() => verifyQr(token, { merchantId: "mer_b" }, publicKey)).code).toBe("wrong_merchant");
    expect(refusal(() => verifyQr(token, { merchantId: "mer_a" }, other.publicKey)).code).toBe("invalid_token");
    const at = 10; // inside the card id bytes
    const flipped = token.slice(0, at) + (token[at] === "A" ? "B" : "A") + token.slice(at + 1);
    expect(refusal(() => verifyQr(flipped, { merchantId: "mer_a" }, publicKey)).code).toBe("invalid_token");
    expect(refusal(() => verifyQr(token.slice(0, -8), { merchantId: "mer_a" }, publicKey)).code).toBe("invalid_token");
    expect(refusal(() => verifyQr(token, { merchantId: "mer_a", kind: "voucher" }, publicKey)).code).toBe("invalid_token");
  });

  it("old kc1 card and voucher tokens keep verifying", () => {
    const oldCard = signQr({ kind: "card", id: cardId, merchantId: "mer_a", nonce: "abcdefgh" }, privateKey);
    const voucher = signQr({ kind: "voucher", id: "vch_1", merchantId: "mer_a", expiresAt: new Date(Date.now() + 3600_000), nonce: "n" }, privateKey);
    expect(isQrToken(oldCard) && isQrToken(voucher)).toBe(true);
    expect(verifyQr(oldCard, { merchantId: "mer_a" }, publicKey).id).toBe(cardId);
    expect(verifyQr(voucher, { merchantId: "mer_a", kind: "voucher" }, publicKey).id).toBe("vch_1");
    expect(isQrToken("K7QM-3XPA")).toBe(false);
  });

  it("the offline staff scanner reads the card id from both formats", () => {
    expect(peekToken(token)).toEqual({ t: "card", id: cardId });
    expect(peekToken(signQr({ kind: "card", id: cardId, merchantId: "mer_a" }, privateKey))).toEqual({ t: "card", id: cardId });
  });

  it("a compact voucher token carries its expiry, is refused from that second on, and is not a card", () => {
    const expires = new Date("2026-01-01T00:00:00Z");
    const voucher = signCompactQr({ kind: "voucher", id: "vch_" + "a".repeat(20), merchantId: "mer_a", time: expires }, privateKey)!;
    expect(QRCode.create(voucher, { errorCorrectionLevel: "M" }).version).toBeLessThanOrEqual(6);
    expect(verifyQr(voucher, { merchantId: "mer_a", kind: "voucher", now: new Date(expires.getTime() - 1000) }, publicKey)).toMatchObject({ t: "voucher", id: "vch_" + "a".repeat(20), x: expires.getTime() / 1000 });
    expect(refusal(() => verifyQr(voucher, { merchantId: "mer_a", now: expires }, publicKey)).code).toBe("expired");
    expect(refusal(() => verifyQr(voucher, { merchantId: "mer_a", kind: "card", now: new Date(0) }, publicKey)).message).toMatch(/voucher code, not a card code/);
    expect(peekToken(voucher)).toEqual({ t: "voucher", id: "vch_" + "a".repeat(20) });
  });

  it("a card id of another shape keeps the old token", () => {
    expect(signCompactQr({ kind: "card", id: "crd_1", merchantId: "mer_a", time: ISSUED }, privateKey)).toBeNull();
  });

  it("jsQR reads every code rendered, scaled down 2× and blurred: card tokens and a voucher token", async () => {
    const codes = [token, ...Array.from({ length: 5 }, () => signCompactQr({ kind: "card", id: newId("crd"), merchantId: newId("mer"), time: new Date() }, privateKey)!)];
    for (const code of codes) expect(await readBack(code)).toBe(code);
    const voucher = signCompactQr({ kind: "voucher", id: newId("vch"), merchantId: newId("mer"), time: new Date(Date.now() + 3600_000) }, privateKey)!;
    expect(await readBack(voucher)).toBe(voucher);
  });
});
