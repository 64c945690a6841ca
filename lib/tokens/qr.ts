import { sign, verify, type KeyObject } from "node:crypto";
import { z } from "zod";
import { AppError } from "../errors";
import { randomString } from "../ids";
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
