/**
 * Apple's `<lang>.lproj/pass.strings`: lines of `"key" = "value";` in UTF-16 (little endian, with
 * its byte-order mark), the encoding Apple's strings files have always been read in. Wallet looks
 * up every localizable text of pass.json (labels, values, change messages, description,
 * relevant text) as a key in the strings of the phone's language and shows that language's value.
 */

const ESCAPES: Record<string, string> = { "\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t" };
const quote = (s: string) => `"${s.replace(/[\\"\n\r\t]/g, (c) => ESCAPES[c]!)}"`;

export function passStringsFile(entries: Iterable<[string, string]>): Buffer {
  const lines: string[] = [];
  for (const [key, value] of entries) lines.push(`${quote(key)} = ${quote(value)};`);
  return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`${lines.join("\n")}\n`, "utf16le")]);
}

/**
 * Reads a .strings file strictly (UTF-16 with a byte-order mark or UTF-8; quoted keys and values
 * with \\ \" \n \r \t \uXXXX escapes; comments): throws on anything else, so a test that parses
 * our files would catch one Wallet could not read.
 */
export function parsePassStrings(file: Buffer): Map<string, string> {
  let text: string;
  if (file[0] === 0xff && file[1] === 0xfe) text = file.subarray(2).toString("utf16le");
  else if (file[0] === 0xfe && file[1] === 0xff) text = Buffer.from(file.subarray(2)).swap16().toString("utf16le");
  else text = file.toString("utf8").replace(/^\uFEFF/, "");
  const out = new Map<string, string>();
  let i = 0;
  const skip = () => {
    for (;;) {
      while (i < text.length && /\s/.test(text[i]!)) i++;
      if (text.startsWith("/*", i)) {
        const end = text.indexOf("*/", i + 2);
        if (end < 0) throw new Error("unterminated comment");
        i = end + 2;
      } else if (text.startsWith("//", i)) {
        while (i < text.length && text[i] !== "\n") i++;
      } else return;
    }
  };
  const str = (): string => {
    if (text[i] !== '"') throw new Error(`expected a quoted string at ${i}`);
    i++;
    let s = "";
    for (;;) {
      if (i >= text.length) throw new Error("unterminated string");
      const c = text[i++]!;
      if (c === '"') return s;
      if (c !== "\\") {
        s += c;
        continue;
      }
      const e = text[i++];
      if (e === "n") s += "\n";
      else if (e === "r") s += "\r";
      else if (e === "t") s += "\t";
      else if (e === '"' || e === "\\") s += e;
      else if (e === "U" || e === "u") {
        const hex = text.slice(i, i + 4);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new Error(`bad \\u escape at ${i}`);
        s += String.fromCharCode(Number.parseInt(hex, 16));
        i += 4;
      } else throw new Error(`unknown escape \\${e} at ${i}`);
    }
  };
  for (;;) {
    skip();
    if (i >= text.length) return out;
    const key = str();
    skip();
    if (text[i++] !== "=") throw new Error(`expected = after ${JSON.stringify(key)}`);
    skip();
    const value = str();
    skip();
    if (text[i++] !== ";") throw new Error(`expected ; after ${JSON.stringify(key)}`);
    if (out.has(key)) throw new Error(`duplicate key ${JSON.stringify(key)}`);
    out.set(key, value);
  }
}
