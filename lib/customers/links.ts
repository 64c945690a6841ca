import { sign, verify } from "node:crypto";
import { env } from "../env";
import { signingKeys } from "../tokens/keys";

/*
 * Links a customer follows from an email without signing in: unsubscribe from marketing, confirm
 * the deletion of their data. The link carries a signed token (Ed25519, the QR signing key):
 *
 *   base64url(JSON { p: purpose, c: customer id, m: merchant id, e: expiry in unix seconds }) "." base64url(signature)
 *
 * signed over "keepcard-link:" + the first part, so a token of one purpose never passes for another
 * and a QR token never passes for a link. Nothing is stored: the deletion link is single-use because
 * erasure happens once (a second confirmation finds the data already erased).
 */

export type LinkPurpose = "unsubscribe" | "erase";

const DAY = 86_400;
/** An unsubscribe link works for a year (an old newsletter must still let its reader out); a deletion link for a day. */
export const LINK_TTL_SECONDS: Record<LinkPurpose, number> = { unsubscribe: 365 * DAY, erase: DAY };

export type LinkClaims = { purpose: LinkPurpose; customerId: string; merchantId: string; expiresAt: Date };

const b64 = (buf: Buffer) => buf.toString("base64url");

export function signCustomerLink(purpose: LinkPurpose, customer: { id: string; merchantId: string }, at = new Date()): string {
  const body = b64(Buffer.from(JSON.stringify({ p: purpose, c: customer.id, m: customer.merchantId, e: Math.floor(at.getTime() / 1000) + LINK_TTL_SECONDS[purpose] })));
  const signature = sign(null, Buffer.from(`keepcard-link:${body}`), signingKeys().privateKey);
  return `${body}.${b64(signature)}`;
}

/** The claims of a genuine, unexpired token of that purpose; null for anything else (forged, altered, expired, another purpose). */
export function verifyCustomerLink(purpose: LinkPurpose, token: string, at = new Date()): LinkClaims | null {
  if (typeof token !== "string" || token.length > 600) return null;
  const match = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/.exec(token);
  if (!match) return null;
  let ok = false;
  try {
    ok = verify(null, Buffer.from(`keepcard-link:${match[1]}`), signingKeys().publicKey, Buffer.from(match[2]!, "base64url"));
  } catch {
    return null;
  }
  if (!ok) return null;
  let claims: { p?: unknown; c?: unknown; m?: unknown; e?: unknown };
  try {
    claims = JSON.parse(Buffer.from(match[1]!, "base64url").toString("utf8")) as typeof claims;
  } catch {
    return null;
  }
  if (claims.p !== purpose || typeof claims.c !== "string" || typeof claims.m !== "string" || typeof claims.e !== "number") return null;
  if (claims.e * 1000 <= at.getTime()) return null;
  return { purpose, customerId: claims.c, merchantId: claims.m, expiresAt: new Date(claims.e * 1000) };
}

const base = () => env.APP_URL.replace(/\/$/, "");

/** The one-click unsubscribe URL (RFC 8058): GET shows a confirmation page, POST unsubscribes. */
export function unsubscribeUrl(customer: { id: string; merchantId: string }, at = new Date()): string {
  return `${base()}/email/unsubscribe/${signCustomerLink("unsubscribe", customer, at)}`;
}

/** The deletion confirmation URL emailed to the customer: GET shows what will happen, POST erases. */
export function eraseUrl(customer: { id: string; merchantId: string }, at = new Date()): string {
  return `${base()}/delete-my-data/${signCustomerLink("erase", customer, at)}`;
}
