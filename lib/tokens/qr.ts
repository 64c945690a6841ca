import { createHash, sign, verify, type KeyObject } from "node:crypto";
import { z } from "zod";
import { AppError } from "../errors";
import { randomString } from "../ids";
import { COMPACT_KINDS, COMPACT_PREFIX, base32Encode, compactSignedBytes, idToBytes, isCompactToken, parseCompact } from "./compact";
import { signingKeys } from "./keys";

/**
 * QR payloads: `kc1.<base64url(json)>.<base64url(ed25519 signature)>`.
 * Short keys keep the QR small: t = kind, id, m = merchant, x = expiry (unix seconds), n = nonce.
 */
const Payload = z.object({
  t: z.enum(["card", "voucher"]),
  id: z.string(),
  m: z.string(),
  x: z.int().optional(),
  n: z.string(),
});
export type QrPayload = z.infer<typeof Payload>;
export type QrKind = QrPayload["t"];

const PREFIX = "kc1";

export function signQr(
  claims: { kind: QrKind; id: string; merchantId: string; expiresAt?: Date; nonce?: string },
  key: KeyObject = signingKeys().privateKey,
): string {
  const payload: QrPayload = {
    t: claims.kind,
    id: claims.id,
    m: claims.merchantId,
    ...(claims.expiresAt ? { x: Math.floor(claims.expiresAt.getTime() / 1000) } : {}),
    n: claims.nonce ?? randomString(8),
  };
  const body = Buffer.from(JSON.stringify(payload)).toString("base64url");
  const signature = sign(null, Buffer.from(`${PREFIX}.${body}`), key).toString("base64url");
  return `${PREFIX}.${body}.${signature}`;
}

const merchantTag = (merchantId: string) => createHash("sha256").update(merchantId).digest().subarray(0, 4);

/**
 * The compact token (see compact.ts): 144 base32 characters, QR version 6 at level M. `time` is a
 * card's creation time or a voucher's expiry. Returns null for an id that is not `crd_`/`vch_` +
 * 20 base62 characters (the caller keeps the old token).
 */
export function signCompactQr(
  claims: { kind: QrKind; id: string; merchantId: string; time: Date },
  key: KeyObject = signingKeys().privateKey,
): string | null {
  const id = idToBytes(claims.kind, claims.id);
  if (!id) return null;
  const body = new Uint8Array(24);
  body[0] = COMPACT_KINDS[claims.kind];
  body.set(id, 1);
  body.set(merchantTag(claims.merchantId), 16);
  new DataView(body.buffer).setUint32(20, Math.max(0, Math.min(0xffffffff, Math.floor(claims.time.getTime() / 1000))));
  const signature = sign(null, compactSignedBytes(body, claims.merchantId), key);
  return COMPACT_PREFIX + base32Encode(Buffer.concat([body, signature]));
}

/** True for anything that should go through verifyQr: an old `kc1.` token or a compact one. */
export function isQrToken(code: string): boolean {
  const trimmed = code.trim();
  return trimmed.startsWith(`${PREFIX}.`) || isCompactToken(trimmed);
}

function verifyCompact(token: string, opts: { merchantId: string; now?: Date; kind?: QrKind }, key: KeyObject): QrPayload {
  const parts = parseCompact(token);
  if (!parts) throw new AppError("invalid_token", "This is not a Keepcard code.");
  if (!Buffer.from(parts.merchantTag).equals(merchantTag(opts.merchantId))) throw new AppError("wrong_merchant", "This code belongs to another business.");
  const ok = verify(null, compactSignedBytes(parts.body, opts.merchantId), key, parts.signature);
  if (!ok) throw new AppError("invalid_token", "This code's signature does not match; it may have been altered.");
  if (opts.kind && opts.kind !== parts.kind) throw new AppError("invalid_token", `This is a ${parts.kind} code, not a ${opts.kind} code.`);
  if (parts.kind === "voucher") {
    if (parts.time * 1000 <= (opts.now ?? new Date()).getTime()) throw new AppError("expired", "This code has expired.");
    return { t: "voucher", id: parts.id, m: opts.merchantId, x: parts.time, n: "" };
  }
  return { t: "card", id: parts.id, m: opts.merchantId, n: parts.time.toString(36) };
}

/**
 * Verifies a scanned token for `merchantId`. Refuses, with a reason a cashier can act on:
 * a token that is not ours or was altered (invalid_token), another merchant's (wrong_merchant),
 * or past its expiry (expired).
 */
export function verifyQr(
  token: string,
  opts: { merchantId: string; now?: Date; kind?: QrKind },
  key: KeyObject = signingKeys().publicKey,
): QrPayload {
  if (isCompactToken(token.trim())) return verifyCompact(token.trim(), opts, key);
  const parts = token.trim().split(".");
  if (parts.length !== 3 || parts[0] !== PREFIX) throw new AppError("invalid_token", "This is not a Keepcard code.");
  const [, body, signature] = parts as [string, string, string];
  const ok = verify(null, Buffer.from(`${PREFIX}.${body}`), key, Buffer.from(signature, "base64url"));
  if (!ok) throw new AppError("invalid_token", "This code's signature does not match; it may have been altered.");
  let payload: QrPayload;
  try {
    payload = Payload.parse(JSON.parse(Buffer.from(body, "base64url").toString("utf8")));
  } catch {
    throw new AppError("invalid_token", "This code could not be read.");
  }
  if (payload.m !== opts.merchantId) throw new AppError("wrong_merchant", "This code belongs to another business.");
  if (opts.kind && payload.t !== opts.kind) throw new AppError("invalid_token", `This is a ${payload.t} code, not a ${opts.kind} code.`);
  const now = opts.now ?? new Date();
  if (payload.x !== undefined && payload.x * 1000 <= now.getTime()) throw new AppError("expired", "This code has expired.");
  return payload;
}
