import { describe, expect, it } from "vitest";
import {
  base32Decode,
  base32Encode,
  hashRecoveryCode,
  hotp,
  looksLikeRecoveryCode,
  matchTotp,
  newRecoveryCodes,
  newTotpSecret,
  normaliseRecoveryCode,
  otpauthUri,
  totpCode,
  totpStep,
} from "@/lib/auth/totp";

// RFC 6238 appendix B: the seeds and the 8-digit codes at each time, for SHA-1, SHA-256 and SHA-512.
const SEEDS = {
  sha1: Buffer.from("12345678901234567890"),
  sha256: Buffer.from("12345678901234567890123456789012"),
  sha512: Buffer.from("1234567890123456789012345678901234567890123456789012345678901234"),
};
const VECTORS: [number, string, string, string][] = [
  [59, "94287082", "46119246", "90693936"],
  [1111111109, "07081804", "68084774", "25091201"],
  [1111111111, "14050471", "67062674", "99943326"],
  [1234567890, "89005924", "91819424", "93441116"],
  [2000000000, "69279037", "90698825", "38618901"],
  [20000000000, "65353130", "77737706", "47863826"],
];

describe("TOTP (RFC 6238)", () => {
  it.each(VECTORS)("at %i s gives the RFC's codes", (seconds, sha1, sha256, sha512) => {
    const step = totpStep(new Date(seconds * 1000));
    expect(hotp(SEEDS.sha1, step, 8, "sha1")).toBe(sha1);
    expect(hotp(SEEDS.sha256, step, 8, "sha256")).toBe(sha256);
    expect(hotp(SEEDS.sha512, step, 8, "sha512")).toBe(sha512);
  });

  it("HOTP gives RFC 4226's six-digit codes", () => {
    const expected = ["755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"];
    expect(expected.map((_, i) => hotp(SEEDS.sha1, i))).toEqual(expected);
  });

  it("base32 round-trips, and the app code uses the decoded secret", () => {
    const secret = base32Encode(SEEDS.sha1);
    expect(secret).toBe("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
    expect(base32Decode(secret)).toEqual(SEEDS.sha1);
    expect(totpCode(secret, new Date(59_000))).toBe("287082"); // the 6-digit tail of 94287082
    expect(newTotpSecret()).toMatch(/^[A-Z2-7]{32}$/);
  });

  it("accepts a code one step either side, not two, and only after the last step used", () => {
    const secret = newTotpSecret();
    const at = new Date(1_700_000_000_000);
    const step = totpStep(at);
    const code = (s: number) => totpCode(secret, new Date(s * 30_000));
    expect(matchTotp(secret, code(step), at, null)).toBe(step);
    expect(matchTotp(secret, code(step - 1), at, null)).toBe(step - 1);
    expect(matchTotp(secret, code(step + 1), at, null)).toBe(step + 1);
    expect(matchTotp(secret, code(step - 2), at, null)).toBeNull();
    expect(matchTotp(secret, code(step + 2), at, null)).toBeNull();
    // Replay: once step is used, that code and older ones fail.
    expect(matchTotp(secret, code(step), at, step)).toBeNull();
    expect(matchTotp(secret, code(step - 1), at, step)).toBeNull();
    expect(matchTotp(secret, code(step + 1), at, step)).toBe(step + 1);
    expect(matchTotp(secret, ` ${code(step).slice(0, 3)} ${code(step).slice(3)} `, at, null)).toBe(step);
    expect(matchTotp(secret, "abcdef", at, null)).toBeNull();
    expect(matchTotp(secret, "1234567", at, null)).toBeNull();
  });

  it("builds the otpauth URI authenticator apps read", () => {
    const uri = new URL(otpauthUri("JBSWY3DPEHPK3PXP", "ana@example.test", "Keepcard"));
    expect(uri.protocol).toBe("otpauth:");
    expect(uri.host).toBe("totp");
    expect(decodeURIComponent(uri.pathname)).toBe("/Keepcard:ana@example.test");
    expect(Object.fromEntries(uri.searchParams)).toEqual({ secret: "JBSWY3DPEHPK3PXP", issuer: "Keepcard", algorithm: "SHA1", digits: "6", period: "30" });
  });
});

describe("recovery codes", () => {
  it("makes ten distinct codes and hashes them whatever the case, spacing or dash", () => {
    const codes = newRecoveryCodes();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const c of codes) {
      expect(c).toMatch(/^[a-hj-km-np-z2-9]{5}-[a-hj-km-np-z2-9]{5}$/);
      expect(looksLikeRecoveryCode(c)).toBe(true);
    }
    const [c] = codes as [string];
    expect(hashRecoveryCode(c)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashRecoveryCode(c.toUpperCase().replace("-", " "))).toBe(hashRecoveryCode(c));
    expect(normaliseRecoveryCode(c.replace("-", ""))).toBe(c);
    expect(hashRecoveryCode(codes[1]!)).not.toBe(hashRecoveryCode(c));
    expect(looksLikeRecoveryCode("123456")).toBe(false);
  });
});
