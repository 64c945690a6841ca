/**
 * The compact QR token (format 2): a small binary record, signed with Ed25519 and written in
 * base32 upper-case so that a QR code holds it in alphanumeric mode (QR version 6 at error
 * correction M instead of version 10+ for the old `kc1.` JSON token).
 *
 *   "KC2" + base32( kind(1) | id(15) | merchant tag(4) | time(4) | signature(64) )
 *
 * - kind: 0x01 = card (`crd_` id), 0x02 = voucher (`vch_` id).
 * - id: the 20 base62 characters after the prefix, as a 15-byte big-endian number.
 * - merchant tag: the first 4 bytes of SHA-256(merchant id); lets a scanner tell "another
 *   business's card" from "altered". The signature covers the full merchant id, so the tag
 *   cannot be used to forge anything.
 * - time (uint32, unix seconds): a card's creation time (keeps the record versionable);
 *   a voucher's expiry (checked offline).
 * - signature: Ed25519 over "kc2" | the 24 bytes above | merchant id (UTF-8).
 *
 * 88 bytes → 141 base32 characters + 3 → 144 characters (a 6-M code holds 154).
 * This module is pure (no node: imports) so the staff scanner can peek at a token in the browser.
 */

export const COMPACT_PREFIX = "KC2";
export const COMPACT_KINDS = { card: 0x01, voucher: 0x02 } as const;
export type CompactKind = keyof typeof COMPACT_KINDS;
const ID_PREFIX: Record<CompactKind, string> = { card: "crd", voucher: "vch" };
export const COMPACT_BODY_BYTES = 24;
export const COMPACT_SIGNATURE_BYTES = 64;
const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const BASE62 = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
const ID_BYTES = 15;

export function base32Encode(bytes: Uint8Array): string {
  let out = "";
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

export function base32Decode(text: string): Uint8Array | null {
  const out: number[] = [];
  let bits = 0;
  let value = 0;
  for (const char of text) {
    const index = BASE32.indexOf(char);
    if (index < 0) return null;
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
    value &= (1 << bits) - 1;
  }
  return Uint8Array.from(out);
}

/** `crd_`/`vch_` + 20 base62 characters → 15 bytes; null for ids of another shape (they keep the old token). */
export function idToBytes(kind: CompactKind, id: string): Uint8Array | null {
  const match = /^([a-z]+)_([0-9a-zA-Z]{20})$/.exec(id);
  if (!match || match[1] !== ID_PREFIX[kind]) return null;
  let n = 0n;
  for (const char of match[2]!) n = n * 62n + BigInt(BASE62.indexOf(char));
  const bytes = new Uint8Array(ID_BYTES);
  for (let i = ID_BYTES - 1; i >= 0; i--) {
    bytes[i] = Number(n & 0xffn);
    n >>= 8n;
  }
  return bytes;
}

function bytesToId(kind: CompactKind, bytes: Uint8Array): string | null {
  let n = 0n;
  for (const byte of bytes) n = (n << 8n) | BigInt(byte);
  let out = "";
  for (let i = 0; i < 20; i++) {
    out = BASE62[Number(n % 62n)] + out;
    n /= 62n;
  }
  return n === 0n ? `${ID_PREFIX[kind]}_${out}` : null;
}

export type CompactParts = { kind: CompactKind; id: string; merchantTag: Uint8Array; time: number; body: Uint8Array; signature: Uint8Array };

/** True when `code` looks like a compact token (it may still fail verification). */
export function isCompactToken(code: string): boolean {
  return code.startsWith(COMPACT_PREFIX) && /^[A-Z2-7]{40,}$/.test(code.slice(COMPACT_PREFIX.length));
}

/** Splits a compact token into its fields without checking the signature; null when malformed. */
export function parseCompact(token: string): CompactParts | null {
  if (!isCompactToken(token)) return null;
  const bytes = base32Decode(token.slice(COMPACT_PREFIX.length));
  if (!bytes || bytes.length !== COMPACT_BODY_BYTES + COMPACT_SIGNATURE_BYTES) return null;
  const body = bytes.slice(0, COMPACT_BODY_BYTES);
  const kind = (Object.keys(COMPACT_KINDS) as CompactKind[]).find((k) => COMPACT_KINDS[k] === body[0]);
  const id = kind && bytesToId(kind, body.slice(1, 1 + ID_BYTES));
  if (!kind || !id) return null;
  const time = ((body[20]! << 24) | (body[21]! << 16) | (body[22]! << 8) | body[23]!) >>> 0;
  return { kind, id, merchantTag: body.slice(16, 20), time, body, signature: bytes.slice(COMPACT_BODY_BYTES) };
}

/** The bytes the signature covers. */
export function compactSignedBytes(body: Uint8Array, merchantId: string): Uint8Array {
  const merchant = new TextEncoder().encode(merchantId);
  const prefix = new TextEncoder().encode("kc2");
  const out = new Uint8Array(prefix.length + body.length + merchant.length);
  out.set(prefix, 0);
  out.set(body, prefix.length);
  out.set(merchant, prefix.length + body.length);
  return out;
}
