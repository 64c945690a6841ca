import { describe, expect, it } from "vitest";
import { parsePassStrings, passStringsFile } from "@/wallet/apple/strings";

describe("Apple pass.strings", () => {
  it("writes UTF-16LE with a byte-order mark and escapes quotes, backslashes and line breaks, so any text reads back as it was", () => {
    const entries: [string, string][] = [
      ["Points", "Puntos"],
      ['Say "hi"', 'Di "hola"'],
      ["a\\b", "c\\d"],
      ["Reward 50: 50 points\nReward 200: 200 points", "Reward 50: 50 Punkte\nReward 200: 200 Punkte"],
      ["Tab\there", "Tab\tda"],
      ["Café ☕ 🎉", "Kaffee ☕ 🎉"],
      ["You now have %@ points", "Du hast jetzt %@ Punkte"],
    ];
    const file = passStringsFile(entries);
    expect([...file.subarray(0, 2)]).toEqual([0xff, 0xfe]);
    expect(file.subarray(2).toString("utf16le")).toContain('"Say \\"hi\\"" = "Di \\"hola\\"";');
    expect([...parsePassStrings(file)]).toEqual(entries);
  });

  it("reads UTF-8 and big-endian files and comments too, and refuses what Wallet could not read", () => {
    const text = '/* comment */\n"a" = "b";\n// line\n"\\u00e9" = "x";\n';
    expect([...parsePassStrings(Buffer.from(text, "utf8"))]).toEqual([["a", "b"], ["é", "x"]]);
    const be = Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from('"k" = "v";', "utf16le").swap16()]);
    expect([...parsePassStrings(be)]).toEqual([["k", "v"]]);
    for (const bad of ['"a" = "b"', '"a" "b";', '"a = "b";', '"a" = "b";\n"a" = "c";', '"a" = "\\q";', "/* open"]) {
      expect(() => parsePassStrings(Buffer.from(bad, "utf8")), bad).toThrow();
    }
  });
});
