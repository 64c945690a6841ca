import { randomBytes } from "node:crypto";
import { z } from "zod";

const ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

// Random bytes are drawn 4 KB at a time and each byte is used once: one call to the CSPRNG per
// ~100 ids instead of one per id (ids are made several times per earn).
let pool = Buffer.alloc(0);
let poolAt = 0;

/** Random base62 string of `length` characters (rejection sampling, no modulo bias). */
export function randomString(length: number): string {
  let out = "";
  while (out.length < length) {
    if (poolAt >= pool.length) {
      pool = randomBytes(4096);
      poolAt = 0;
    }
    const byte = pool[poolAt++]!;
    if (byte < 248) out += ALPHABET[byte % 62];
  }
  return out;
}

export type IdPrefix = "mer" | "loc" | "mem" | "inv" | "key" | "prg" | "cus" | "crd" | "ent" | "lot" | "rwd" | "vch" | "evt" | "aud" | "eml" | "cmp" | "seg" | "pay" | "prun" | "whe" | "whd" | "wha" | "reg" | "gwm" | "rec" | "wpe" | "ccb" | "ccd" | "ref" | "gol" | "flg" | "con" | "cev";

/** Any of our ids in an input: what verbs and forms accept before looking the row up. */
export const EntityId = z
  .string()
  .min(1, "an id is required")
  .max(64, "an id has at most 64 characters")
  // Letters, digits, _ and - (prefixed ids and UUIDs): never a control character, which Postgres answers with an error.
  .regex(/^[A-Za-z0-9_-]+$/, "an id has only letters, digits, _ and -");

/** Prefixed, sortable-enough ids such as `crd_3fZ…`: readable in logs and in the API. */
export function newId(prefix: IdPrefix): string {
  return `${prefix}_${randomString(20)}`;
}

// Crockford-style alphabet without 0/O, 1/I/L, U: easy to read aloud at a counter.
const CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ";

/** Short human code, e.g. K7QM-3XPA. */
export function humanCode(groups = 2, size = 4): string {
  const bytes = randomBytes(groups * size);
  const chars = [...bytes].map((b) => CODE_ALPHABET[b % CODE_ALPHABET.length]).join("");
  return chars.match(new RegExp(`.{${size}}`, "g"))!.join("-");
}

export function normalizeCode(input: string): string {
  const raw = input.toUpperCase().replace(/[^0-9A-Z]/g, "").replace(/O/g, "0").replace(/[IL]/g, "1");
  return raw.match(/.{1,4}/g)?.join("-") ?? "";
}
