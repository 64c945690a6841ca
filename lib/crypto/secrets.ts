import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { env, isProduction } from "../env";

/**
 * Secrets at rest (webhook and payout signing secrets, OAuth tokens): AES-256-GCM under
 * ENCRYPTION_KEY, stored as `v1:<keyId>:<iv>:<ciphertext+tag>` (base64url parts). The key id lets
 * keys rotate: ENCRYPTION_KEYS keeps older keys for reading and `npm run cli -- secrets rotate`
 * re-encrypts every row under the current key. A value without the prefix is a row written before
 * encryption: it is read as it is and encrypted by the next rotate.
 */

const PREFIX = "v1";
type Key = { id: string; key: Buffer };
type KeyRing = { current: Key; all: Map<string, Key> };
let cached: KeyRing | undefined;

export function parseKey(spec: string): Key {
  const trimmed = spec.trim();
  const colon = trimmed.indexOf(":");
  const [id, b64] = colon > 0 ? [trimmed.slice(0, colon), trimmed.slice(colon + 1)] : ["k1", trimmed];
  if (!/^[A-Za-z0-9_-]{1,32}$/.test(id)) throw new Error("ENCRYPTION_KEY ids are 1 to 32 letters, digits, _ or -");
  const key = Buffer.from(b64, "base64");
  if (key.length !== 32) throw new Error(`ENCRYPTION_KEY ${id} must be 32 bytes in base64 (make one: openssl rand -base64 32)`);
  return { id, key };
}

/** The key ring: the current key from ENCRYPTION_KEY (or a development key under .data/keys) and the older ones. */
export function keyRing(): KeyRing {
  if (cached) return cached;
  let spec = env.ENCRYPTION_KEY;
  if (!spec) {
    if (isProduction) throw new Error("ENCRYPTION_KEY is required in production");
    spec = devKey();
  }
  const current = parseKey(spec);
  const all = new Map<string, Key>([[current.id, current]]);
  for (const old of (env.ENCRYPTION_KEYS ?? "").split(",").filter((s) => s.trim())) {
    const k = parseKey(old);
    if (!all.has(k.id)) all.set(k.id, k);
  }
  cached = { current, all };
  return cached;
}

function devKey(): string {
  const file = path.join(env.DATA_DIR, "keys", "encryption.key");
  if (fs.existsSync(file)) return fs.readFileSync(file, "utf8");
  const spec = `dev1:${randomBytes(32).toString("base64")}`;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  try {
    fs.writeFileSync(file, spec, { flag: "wx", mode: 0o600 });
    return spec;
  } catch {
    return fs.readFileSync(file, "utf8");
  }
}

export function isEncrypted(stored: string): boolean {
  return stored.startsWith(`${PREFIX}:`);
}

export function encryptSecret(plain: string, ring: KeyRing = keyRing()): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", ring.current.key, iv);
  cipher.setAAD(Buffer.from(`${PREFIX}:${ring.current.id}`));
  const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final(), cipher.getAuthTag()]);
  return `${PREFIX}:${ring.current.id}:${iv.toString("base64url")}:${body.toString("base64url")}`;
}

/** The plain value of a stored secret; a legacy plain row is returned as it is. Throws on a wrong key or a tampered value. */
export function decryptSecret(stored: string, ring: KeyRing = keyRing()): string {
  if (!isEncrypted(stored)) return stored;
  const [, keyId, ivPart, bodyPart] = stored.split(":");
  const key = ring.all.get(keyId ?? "");
  if (!key || !ivPart || !bodyPart) throw new Error(`cannot decrypt a secret under key "${keyId}": add it to ENCRYPTION_KEYS`);
  const body = Buffer.from(bodyPart, "base64url");
  const decipher = createDecipheriv("aes-256-gcm", key.key, Buffer.from(ivPart, "base64url"));
  decipher.setAAD(Buffer.from(`${PREFIX}:${key.id}`));
  decipher.setAuthTag(body.subarray(body.length - 16));
  return Buffer.concat([decipher.update(body.subarray(0, body.length - 16)), decipher.final()]).toString("utf8");
}

export function encryptNullable(plain: string | null | undefined): string | null {
  return plain == null ? null : encryptSecret(plain);
}

export function decryptNullable(stored: string | null | undefined): string | null {
  return stored == null ? null : decryptSecret(stored);
}

/** True when a stored value should be rewritten: plain, or under an older key. */
export function needsRotation(stored: string, ring: KeyRing = keyRing()): boolean {
  return !isEncrypted(stored) || stored.split(":")[1] !== ring.current.id;
}

/** For tests: forget the cached key ring after changing env. */
export function resetKeyRing(): void {
  cached = undefined;
}
