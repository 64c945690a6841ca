import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { decryptSecret, encryptSecret, needsRotation, parseKey } from "@/lib/crypto/secrets";

const key = (id: string) => parseKey(`${id}:${randomBytes(32).toString("base64")}`);
const ring = (current: ReturnType<typeof key>, ...old: ReturnType<typeof key>[]) => ({ current, all: new Map([current, ...old].map((k) => [k.id, k])) });

describe("secrets at rest", () => {
  const k1 = key("k1");
  const k2 = key("k2");

  it("stores v1:<keyId>:<iv>:<ciphertext+tag>, never the plain value, with a fresh IV each time", () => {
    const a = encryptSecret("whsec_abc", ring(k1));
    const b = encryptSecret("whsec_abc", ring(k1));
    expect(a).toMatch(/^v1:k1:[A-Za-z0-9_-]{16}:[A-Za-z0-9_-]+$/);
    expect(a).not.toContain("whsec_abc");
    expect(a).not.toBe(b);
    expect(decryptSecret(a, ring(k1))).toBe("whsec_abc");
  });

  it("refuses a tampered value or an unknown key", () => {
    const stored = encryptSecret("whsec_abc", ring(k1));
    const parts = stored.split(":");
    const body = Buffer.from(parts[3]!, "base64url");
    body[0]! ^= 1;
    expect(() => decryptSecret([...parts.slice(0, 3), body.toString("base64url")].join(":"), ring(k1))).toThrow();
    expect(() => decryptSecret(stored.replace("v1:k1:", "v1:k2:"), ring(k2, k1))).toThrow();
    expect(() => decryptSecret(stored, ring(k2))).toThrow(/ENCRYPTION_KEYS/);
  });

  it("reads old keys after a rotation and says which rows need re-encrypting", () => {
    const old = encryptSecret("whsec_old", ring(k1));
    expect(decryptSecret(old, ring(k2, k1))).toBe("whsec_old");
    expect(needsRotation(old, ring(k2, k1))).toBe(true);
    expect(needsRotation(encryptSecret("x", ring(k2, k1)), ring(k2, k1))).toBe(false);
  });

  it("reads a legacy plain row as it is", () => {
    expect(decryptSecret("whsec_plain", ring(k1))).toBe("whsec_plain");
    expect(needsRotation("whsec_plain", ring(k1))).toBe(true);
  });

  it("refuses a key that is not 32 bytes", () => {
    expect(() => parseKey(`k1:${randomBytes(16).toString("base64")}`)).toThrow(/32 bytes/);
  });
});
