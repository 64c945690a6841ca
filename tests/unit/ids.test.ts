import { describe, expect, it } from "vitest";
import { humanCode, newId, normalizeCode, randomString } from "@/lib/ids";

describe("ids and human codes", () => {
  it("ids are prefixed and random", () => {
    const ids = new Set(Array.from({ length: 1000 }, () => newId("crd")));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(id).toMatch(/^crd_[0-9A-Za-z]{20}$/);
    expect(randomString(40)).toHaveLength(40);
  });

  it("random strings stay base62 and distinct across many draws (bytes come from a pool)", () => {
    const seen = new Set(Array.from({ length: 2_000 }, () => randomString(12)));
    expect(seen.size).toBe(2_000);
    const all = Array.from(seen).join("");
    expect(all).toMatch(/^[0-9A-Za-z]{24000}$/);
    const chars = [...all];
    // Every one of the 62 characters shows up: no part of the alphabet is lost to the pooling.
    expect(new Set(chars).size).toBe(62);
  });

  it("human codes are two groups of four, without look-alike characters", () => {
    for (let i = 0; i < 500; i++) {
      const code = humanCode();
      expect(code).toMatch(/^[2-9A-HJKMNP-TV-Z]{4}-[2-9A-HJKMNP-TV-Z]{4}$/);
      expect(code).not.toMatch(/[01ILOU]/);
    }
  });

  it("normalizeCode undoes what people do when typing a code", () => {
    expect(normalizeCode("K7QM-3XPA")).toBe("K7QM-3XPA");
    expect(normalizeCode("k7qm-3xpa")).toBe("K7QM-3XPA");
    expect(normalizeCode("k7qm3xpa")).toBe("K7QM-3XPA");
    expect(normalizeCode("  K7QM 3XPA ")).toBe("K7QM-3XPA");
    expect(normalizeCode("K7QM–3XPA")).toBe("K7QM-3XPA");
    expect(normalizeCode("K7.QM_3X/PA")).toBe("K7QM-3XPA");
    expect(normalizeCode("")).toBe("");
    expect(normalizeCode("---")).toBe("");
  });

  it("a generated code survives normalization unchanged", () => {
    for (let i = 0; i < 200; i++) {
      const code = humanCode();
      expect(normalizeCode(code.toLowerCase().replace("-", " "))).toBe(code);
    }
  });
});
