import { createPublicKey, verify, type KeyObject } from "node:crypto";
import { eq } from "drizzle-orm";
import { z } from "zod";
import type { Executor } from "../../db/client";
import { googleWalletObjects } from "../../db/schema";
import { env } from "../../lib/env";
import { AppError } from "../../lib/errors";
import { recordPassEvent } from "../../lib/insights/pass-events";
import type { GoogleConfig } from "../config";

/**
 * Google Wallet's save and delete callbacks. The loyalty class names a URL of ours
 * (`callbackOptions.url`); whenever a holder saves or deletes an object of the class, Google POSTs
 * a message signed with the ECv2SigningOnly protocol of Google Pay's PaymentMethodToken — what
 * Tink's PaymentMethodTokenRecipient checks with sender id "GooglePayPasses" and the issuer id as
 * recipient id. The body:
 *
 *   { "protocolVersion": "ECv2SigningOnly",
 *     "signature": base64 ECDSA signature of the message by the intermediate key,
 *     "intermediateSigningKey": { "signedKey": "{\"keyValue\":…,\"keyExpiration\":…}", "signatures": [base64…] },
 *     "signedMessage": "{\"classId\":…,\"objectId\":…,\"expTimeMillis\":…,\"eventType\":\"save\"|\"del\",\"nonce\":…}" }
 *
 * Verification, step by step as Google documents it (and written here with node:crypto alone):
 *
 *  1. Fetch Google's root signing keys (GOOGLE_WALLET_CALLBACK_KEYS_URL, by default
 *     https://pay.google.com/gp/m/issuer/keys): `{"keys": [{keyValue, protocolVersion, keyExpiration?}]}`,
 *     where keyValue is a base64 X.509 SubjectPublicKeyInfo of a NIST P-256 key and keyExpiration
 *     milliseconds since the epoch. Keep those of protocol ECv2SigningOnly that have not expired.
 *  2. The intermediate signing key must be signed by one of them: one of `signatures` (ECDSA over
 *     SHA-256, ASN.1 DER) must verify over
 *       len(senderId) ‖ senderId ‖ len(protocolVersion) ‖ protocolVersion ‖ len(signedKey) ‖ signedKey
 *     where each len is the byte length of the UTF-8 string that follows as a 4-byte little-endian
 *     integer, and signedKey is the exact string received (never re-serialised).
 *  3. The intermediate key (signedKey's keyValue, same encoding) must not have expired
 *     (keyExpiration, milliseconds).
 *  4. `signature` must verify with the intermediate key over
 *       len(senderId) ‖ senderId ‖ len(recipientId) ‖ recipientId ‖ len(protocolVersion) ‖ protocolVersion ‖ len(signedMessage) ‖ signedMessage
 *  5. The message itself must not have expired (expTimeMillis).
 *
 * Google may deliver a callback more than once: the nonce, object and event type make the
 * recorded event unique (wallet_pass_events.dedupe_key), so a retry is acknowledged but not counted.
 */

export const CALLBACK_SENDER_ID = "GooglePayPasses";
export const CALLBACK_PROTOCOL = "ECv2SigningOnly";

export type GoogleRootKey = { keyValue: string; protocolVersion: string; keyExpiration?: string };

const CallbackBody = z.object({
  protocolVersion: z.string(),
  signature: z.string().min(1),
  intermediateSigningKey: z.object({ signedKey: z.string().min(1), signatures: z.array(z.string().min(1)).min(1).max(10) }),
  signedMessage: z.string().min(1).max(10_000),
});
const Millis = z.union([z.number(), z.string().regex(/^\d{1,16}$/)]).transform(Number);
const SignedKey = z.object({ keyValue: z.string().min(1), keyExpiration: Millis });
export const CallbackMessage = z.object({
  classId: z.string().min(1).max(300),
  objectId: z.string().min(1).max(300),
  expTimeMillis: Millis,
  eventType: z.enum(["save", "del"]),
  nonce: z.string().min(1).max(300),
});
export type CallbackMessage = z.output<typeof CallbackMessage>;

const rejected = (why: string) => new AppError("unauthorized", `The callback's signature does not hold: ${why}.`);

/** len ‖ value ‖ len ‖ value …: each value's UTF-8 bytes after their length, 4 bytes little-endian. */
export function signedBytes(...parts: string[]): Buffer {
  return Buffer.concat(
    parts.flatMap((part) => {
      const bytes = Buffer.from(part, "utf8");
      const length = Buffer.alloc(4);
      length.writeUInt32LE(bytes.length);
      return [length, bytes];
    }),
  );
}

function p256Key(keyValue: string): KeyObject | null {
  try {
    const key = createPublicKey({ key: Buffer.from(keyValue, "base64"), format: "der", type: "spki" });
    return key.asymmetricKeyType === "ec" && key.asymmetricKeyDetails?.namedCurve === "prime256v1" ? key : null;
  } catch {
    return null;
  }
}

const ecdsaVerifies = (key: KeyObject, data: Buffer, signature: string) => {
  try {
    return verify("sha256", data, { key, dsaEncoding: "der" }, Buffer.from(signature, "base64"));
  } catch {
    return false;
  }
};

/** Step 4 alone: whether `signature` is the intermediate key's (keyValue) signature of the message for `recipientId`. */
export function messageSignatureHolds(m: { keyValue: string; recipientId: string; protocolVersion: string; signedMessage: string; signature: string }): boolean {
  const key = p256Key(m.keyValue);
  return key !== null && ecdsaVerifies(key, signedBytes(CALLBACK_SENDER_ID, m.recipientId, m.protocolVersion, m.signedMessage), m.signature);
}

/**
 * Checks a callback body against Google's root keys and returns its message; throws
 * AppError("malformed") for a body of the wrong shape and AppError("unauthorized") for anything
 * that does not verify (see the steps above).
 */
export function verifyGoogleCallback(body: unknown, opts: { rootKeys: GoogleRootKey[]; recipientId: string; now?: Date }): CallbackMessage {
  const now = (opts.now ?? new Date()).getTime();
  const parsed = CallbackBody.safeParse(body);
  if (!parsed.success) throw new AppError("malformed", "The callback does not have the fields of a signed Google message.");
  const { protocolVersion, signature, intermediateSigningKey, signedMessage } = parsed.data;
  if (protocolVersion !== CALLBACK_PROTOCOL) throw rejected(`protocol ${protocolVersion.slice(0, 40)} is not ${CALLBACK_PROTOCOL}`);

  // 1. Root keys of this protocol that are still valid.
  const roots = opts.rootKeys
    .filter((k) => k.protocolVersion === CALLBACK_PROTOCOL && (k.keyExpiration === undefined || Number(k.keyExpiration) > now))
    .map((k) => p256Key(k.keyValue))
    .filter((k): k is KeyObject => k !== null);
  if (roots.length === 0) throw rejected("no unexpired Google root key");

  // 2. The intermediate key, signed by a root key.
  const keyBytes = signedBytes(CALLBACK_SENDER_ID, protocolVersion, intermediateSigningKey.signedKey);
  const chained = intermediateSigningKey.signatures.some((s) => roots.some((root) => ecdsaVerifies(root, keyBytes, s)));
  if (!chained) throw rejected("the intermediate signing key is not signed by a Google root key");

  // 3. The intermediate key has not expired.
  let signedKey: z.output<typeof SignedKey>;
  try {
    signedKey = SignedKey.parse(JSON.parse(intermediateSigningKey.signedKey));
  } catch {
    throw rejected("the intermediate signing key is unreadable");
  }
  if (signedKey.keyExpiration <= now) throw rejected("the intermediate signing key has expired");
  if (!p256Key(signedKey.keyValue)) throw rejected("the intermediate signing key is not a P-256 public key");

  // 4. The message, signed by the intermediate key for us (the issuer id is the recipient).
  if (!messageSignatureHolds({ keyValue: signedKey.keyValue, recipientId: opts.recipientId, protocolVersion, signedMessage, signature })) {
    throw rejected("the message is not signed by the intermediate key for this issuer");
  }

  // 5. A message that is still current.
  let message: CallbackMessage;
  try {
    message = CallbackMessage.parse(JSON.parse(signedMessage));
  } catch {
    throw new AppError("malformed", "The signed message is not a save or delete callback.");
  }
  if (message.expTimeMillis <= now) throw rejected("the message has expired");
  return message;
}

/**
 * Google's root keys, fetched from the configured URL and kept for the time its Cache-Control
 * allows (an hour when it says nothing). A signature that no cached key verifies fetches them
 * again once, in case Google rotated them.
 */
export class GoogleRootKeys {
  private cached: { keys: GoogleRootKey[]; until: number; at: number } | null = null;

  constructor(
    readonly url: string,
    private readonly fetcher: typeof fetch = fetch,
  ) {}

  async get(opts: { fresh?: boolean } = {}): Promise<GoogleRootKey[]> {
    const now = Date.now();
    if (this.cached && !opts.fresh && now < this.cached.until) return this.cached.keys;
    // A refetch because of a failed check at most once a minute: a stream of forged callbacks must not hammer Google.
    if (this.cached && opts.fresh && now - this.cached.at < 60_000) return this.cached.keys;
    let res: Response;
    try {
      res = await this.fetcher(this.url, { signal: AbortSignal.timeout(5000), headers: { accept: "application/json" } });
    } catch {
      throw new AppError("unavailable", "Google's callback keys could not be fetched; try again later.");
    }
    if (!res.ok) throw new AppError("unavailable", `Google's callback keys answered ${res.status}; try again later.`);
    const body = z.object({ keys: z.array(z.object({ keyValue: z.string(), protocolVersion: z.string(), keyExpiration: z.string().optional() })) }).safeParse(await res.json().catch(() => null));
    if (!body.success) throw new AppError("unavailable", "Google's callback keys are unreadable; try again later.");
    const maxAge = /max-age=(\d+)/.exec(res.headers.get("cache-control") ?? "")?.[1];
    this.cached = { keys: body.data.keys, at: now, until: now + (maxAge ? Math.min(Number(maxAge), 86_400) : 3600) * 1000 };
    return body.data.keys;
  }
}

const keyCaches = new Map<string, GoogleRootKeys>();

/** The root keys of GOOGLE_WALLET_CALLBACK_KEYS_URL, one cache per URL in the process. */
export function googleRootKeys(url = env.GOOGLE_WALLET_CALLBACK_KEYS_URL): GoogleRootKeys {
  let keys = keyCaches.get(url);
  if (!keys) keyCaches.set(url, (keys = new GoogleRootKeys(url)));
  return keys;
}

export type CallbackOutcome = { recorded: boolean; eventType: "save" | "del"; cardId: string | null };

/**
 * A callback, verified (with one refetch of the root keys when they may have rotated) and recorded
 * as an install ("save") or a removal ("del") of the card whose object it names. A callback for an
 * object Keepcard does not know is acknowledged and ignored; a repeated one is recorded once.
 */
export async function receiveGoogleCallback(
  db: Executor,
  config: Pick<GoogleConfig, "issuerId">,
  body: unknown,
  opts: { keys?: GoogleRootKeys; now?: Date } = {},
): Promise<CallbackOutcome> {
  const keys = opts.keys ?? googleRootKeys();
  const check = async (fresh: boolean) => verifyGoogleCallback(body, { rootKeys: await keys.get({ fresh }), recipientId: config.issuerId, now: opts.now });
  let message: CallbackMessage;
  try {
    message = await check(false);
  } catch (error) {
    if (!(error instanceof AppError) || error.code !== "unauthorized") throw error;
    message = await check(true);
  }
  const [object] = await db.select({ cardId: googleWalletObjects.cardId }).from(googleWalletObjects).where(eq(googleWalletObjects.objectId, message.objectId));
  if (!object) return { recorded: false, eventType: message.eventType, cardId: null };
  const recorded = await recordPassEvent(db, {
    cardId: object.cardId,
    wallet: "google",
    kind: message.eventType === "save" ? "installed" : "removed",
    at: opts.now,
    dedupeKey: `google:${message.nonce}:${message.objectId}:${message.eventType}`,
  });
  return { recorded, eventType: message.eventType, cardId: object.cardId };
}
