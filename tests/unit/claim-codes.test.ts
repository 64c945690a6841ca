import { describe, expect, it } from "vitest";
import { claimUrl, deriveClaimCode, groupedClaimCode, hashClaimCode, normalizeClaimCode } from "@/lib/claims/codes";

describe("claim codes", () => {
  it("are 16 base32 characters (80 bits), the same each time for a batch and position, different otherwise", () => {
    const code = deriveClaimCode("ccb_one", 0);
    expect(code).toMatch(/^[A-Z2-7]{16}$/);
    expect(deriveClaimCode("ccb_one", 0)).toBe(code);
    const many = new Set(Array.from({ length: 500 }, (_, i) => deriveClaimCode("ccb_one", i)));
    expect(many.size).toBe(500);
    expect(deriveClaimCode("ccb_two", 0)).not.toBe(code);
  });

  it("read as typed: any case, dashes and spaces; anything else is not a code", () => {
    const code = deriveClaimCode("ccb_one", 7);
    expect(normalizeClaimCode(groupedClaimCode(code).toLowerCase())).toBe(code);
    expect(normalizeClaimCode(` ${groupedClaimCode(code).replace(/-/g, " ")} `)).toBe(code);
    for (const bad of ["", code.slice(1), `${code}A`, code.replace(/.$/, "1"), "ABCDEFGHIJKLMNO!", "../../etc/passwd"]) expect(normalizeClaimCode(bad), bad).toBeNull();
  });

  it("are stored as a sha256 that does not give the code away, and link to /claim on APP_URL", () => {
    const code = deriveClaimCode("ccb_one", 1);
    expect(hashClaimCode(code)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashClaimCode(code)).not.toContain(code.toLowerCase());
    expect(claimUrl(code)).toMatch(new RegExp(`^https?://[^/]+/claim/${code}$`));
  });
});
