import { createHash, createHmac, hkdfSync } from "node:crypto";
import { env } from "../env";
import { base32Encode } from "../tokens/compact";
import { signingKeys } from "../tokens/keys";

/** 80 bits: 16 base32 characters, too many to guess (and claim attempts are rate limited). */
const CODE_BYTES = 10;
export const CODE_LENGTH = 16;

let derived: Buffer | undefined;

/** The key codes are derived with: HKDF of the QR signing key (TOKEN_SIGNING_KEY), so no new secret to manage. */
function codeKey(): Buffer {
  if (derived) return derived;
  const secret = signingKeys().privateKey.export({ type: "pkcs8", format: "der" });
  derived = Buffer.from(hkdfSync("sha256", secret, "keepcard", "claim-codes/v1", 32));
  return derived;
}

/**
 * The code at `position` of a batch: HMAC(batch id, position) under the server key, cut to 80 bits.
 * Deterministic, so the sheet can be printed again; unguessable without the key.
 */
export function deriveClaimCode(batchId: string, position: number): string {
  const mac = createHmac("sha256", codeKey()).update(`${batchId}:${position}`).digest();
  return base32Encode(mac.subarray(0, CODE_BYTES));
}

/** What is stored and looked up: sha256 of the code, never the code itself. */
export function hashClaimCode(code: string): string {
  return createHash("sha256").update(code).digest("hex");
}

/** A code as typed or scanned: any case, spaces and dashes ignored. Null when it cannot be one of ours. */
export function normalizeClaimCode(raw: string): string | null {
  const code = raw.toUpperCase().replace(/[\s-]/g, "");
  return /^[A-Z2-7]{16}$/.test(code) ? code : null;
}

/** ABCD-EFGH-IJKL-MNOP: how a code is printed under its QR, for typing it in by hand. */
export const groupedClaimCode = (code: string) => code.match(/.{1,4}/g)!.join("-");

/** The link in the QR: the claim page on the configured origin. */
export const claimUrl = (code: string) => `${env.APP_URL.replace(/\/$/, "")}/claim/${code}`;
