import { generateKeyPairSync, sign } from "node:crypto";
import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { signQr, verifyQr } from "@/lib/tokens/qr";

const { privateKey, publicKey } = generateKeyPairSync("ed25519");
const other = generateKeyPairSync("ed25519");

const NOW = new Date("2024-06-01T12:00:00Z");
const voucher = (over: Partial<Parameters<typeof signQr>[0]> = {}) =>
  signQr({ kind: "voucher", id: "vch_1", merchantId: "mer_a", expiresAt: new Date("2024-07-01T00:00:00Z"), nonce: "n0nce", ...over }, privateKey);

function refusal(fn: () => unknown): AppError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }
  throw new Error("expected the token to be refused");
}

const b64 = (s: string) => Buffer.from(s).toString("base64url");
const fromB64 = (s: string) => Buffer.from(s, "base64url").toString("utf8");

describe("QR tokens", () => {
  it("a valid token verifies and carries kind, id, merchant, expiry and nonce", () => {
    const token = voucher();
    expect(token).toMatch(/^kc1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(verifyQr(token, { merchantId: "mer_a", now: NOW, kind: "voucher" }, publicKey)).toEqual({
      t: "voucher",
      id: "vch_1",
      m: "mer_a",
      x: Math.floor(new Date("2024-07-01T00:00:00Z").getTime() / 1000),
      n: "n0nce",
    });
  });

  it("a card token has no expiry and verifies at any time; surrounding whitespace is ignored", () => {
    const token = signQr({ kind: "card", id: "crd_1", merchantId: "mer_a", nonce: "abc" }, privateKey);
    expect(verifyQr(` ${token}\n`, { merchantId: "mer_a", now: new Date("2099-01-01T00:00:00Z") }, publicKey).id).toBe("crd_1");
  });

  it("each token gets a fresh nonce unless one is given", () => {
    const a = signQr({ kind: "card", id: "crd_1", merchantId: "mer_a" }, privateKey);
    const b = signQr({ kind: "card", id: "crd_1", merchantId: "mer_a" }, privateKey);
    expect(a).not.toBe(b);
  });

  it("refuses a tampered body (another voucher id under the original signature)", () => {
    const [prefix, body, sig] = voucher().split(".");
    const forged = b64(JSON.stringify({ ...JSON.parse(fromB64(body!)), id: "vch_2" }));
    const error = refusal(() => verifyQr(`${prefix}.${forged}.${sig}`, { merchantId: "mer_a", now: NOW }, publicKey));
    expect(error.code).toBe("invalid_token");
    expect(error.message).toMatch(/signature/);
  });

  it("refuses a tampered signature", () => {
    const [prefix, body, sig] = voucher().split(".");
    const flipped = sig!.slice(0, 10) + (sig![10] === "A" ? "B" : "A") + sig!.slice(11);
    expect(refusal(() => verifyQr(`${prefix}.${body}.${flipped}`, { merchantId: "mer_a", now: NOW }, publicKey)).code).toBe("invalid_token");
  });

  it("refuses a token signed with another key", () => {
    const token = signQr({ kind: "voucher", id: "vch_1", merchantId: "mer_a" }, other.privateKey);
    expect(refusal(() => verifyQr(token, { merchantId: "mer_a", now: NOW }, publicKey)).code).toBe("invalid_token");
  });

  it("refuses an expired token, from the second of its expiry on", () => {
    const expiresAt = new Date("2024-06-01T12:00:00Z");
    const token = voucher({ expiresAt });
    expect(verifyQr(token, { merchantId: "mer_a", now: new Date(expiresAt.getTime() - 1000) }, publicKey).id).toBe("vch_1");
    const error = refusal(() => verifyQr(token, { merchantId: "mer_a", now: expiresAt }, publicKey));
    expect(error.code).toBe("expired");
    expect(error.status).toBe(410);
  });

  it("refuses another merchant's token as wrong_merchant (shown as not found)", () => {
    const error = refusal(() => verifyQr(voucher(), { merchantId: "mer_b", now: NOW }, publicKey));
    expect(error.code).toBe("wrong_merchant");
    expect(error.status).toBe(404);
  });

  it("refuses a card token where a voucher is expected, and the reverse", () => {
    const card = signQr({ kind: "card", id: "crd_1", merchantId: "mer_a" }, privateKey);
    expect(refusal(() => verifyQr(card, { merchantId: "mer_a", kind: "voucher", now: NOW }, publicKey)).message).toMatch(/card code, not a voucher code/);
    expect(refusal(() => verifyQr(voucher(), { merchantId: "mer_a", kind: "card", now: NOW }, publicKey)).code).toBe("invalid_token");
  });

  it("refuses garbage with invalid_token, never another kind of error", () => {
    const garbage = ["", "hello", "kc1", "kc1..", "kc1.abc.def", "kc2.abc.def", "kc1.a.b.c", "kc1.!!!.???", `kc1.${b64("{}")}.${"A".repeat(86)}`, "https://example.com/?q=kc1"];
    for (const token of garbage) {
      expect(refusal(() => verifyQr(token, { merchantId: "mer_a", now: NOW }, publicKey)).code, JSON.stringify(token)).toBe("invalid_token");
    }
  });

  it("refuses a correctly signed body that is not a token payload", () => {
    for (const content of ["not json", JSON.stringify({ t: "gift", id: "x", m: "mer_a", n: "n" }), JSON.stringify({ t: "card", m: "mer_a", n: "n" })]) {
      const body = b64(content);
      const signature = sign(null, Buffer.from(`kc1.${body}`), privateKey).toString("base64url");
      const error = refusal(() => verifyQr(`kc1.${body}.${signature}`, { merchantId: "mer_a", now: NOW }, publicKey));
      expect(error.code).toBe("invalid_token");
      expect(error.message).toMatch(/could not be read/);
    }
  });
});
