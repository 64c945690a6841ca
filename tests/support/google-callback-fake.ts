import { generateKeyPairSync, randomUUID, sign, type KeyObject } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { CALLBACK_PROTOCOL, CALLBACK_SENDER_ID, signedBytes } from "@/wallet/google/callback";

const DAY = 86_400_000;

function p256() {
  const { publicKey, privateKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  return { privateKey, keyValue: publicKey.export({ type: "spki", format: "der" }).toString("base64") };
}

const ecdsa = (key: KeyObject, data: Buffer) => sign("sha256", data, { key, dsaEncoding: "der" }).toString("base64");

/**
 * Google's side of the save/delete callbacks, on loopback: a root signing key served at `keysUrl`
 * the way https://pay.google.com/gp/m/issuer/keys serves Google's, and `callback()` making a body
 * signed like Google's (an intermediate key signed by the root key, the message signed by the
 * intermediate key for the issuer). Options make it go wrong the ways a forgery or an old message would.
 */
export async function startGoogleCallbackFake(opts: { rootKeyExpiration?: number } = {}) {
  const root = p256();
  const state = { rootKeyExpiration: opts.rootKeyExpiration, fetches: 0 };
  const server = http.createServer((req, res) => {
    state.fetches++;
    const key = { keyValue: root.keyValue, protocolVersion: CALLBACK_PROTOCOL, ...(state.rootKeyExpiration ? { keyExpiration: String(state.rootKeyExpiration) } : {}) };
    res.writeHead(200, { "content-type": "application/json", "cache-control": "public, max-age=3600" });
    res.end(JSON.stringify({ keys: [key] }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;

  return {
    keysUrl: `http://127.0.0.1:${port}/gp/m/issuer/keys`,
    state,
    /** A signed callback body for `message` (classId/objectId/eventType; nonce and expTimeMillis filled in). */
    callback(
      message: { classId: string; objectId: string; eventType: "save" | "del"; nonce?: string; expTimeMillis?: number },
      how: { recipientId: string; intermediateExpiration?: number; signRootWith?: KeyObject; signMessageWith?: KeyObject; tamper?: boolean },
    ) {
      const intermediate = p256();
      const signedKey = JSON.stringify({ keyValue: intermediate.keyValue, keyExpiration: String(how.intermediateExpiration ?? Date.now() + DAY) });
      const signedMessage = JSON.stringify({ nonce: randomUUID(), expTimeMillis: Date.now() + 3_600_000, ...message });
      const keySignature = ecdsa(how.signRootWith ?? root.privateKey, signedBytes(CALLBACK_SENDER_ID, CALLBACK_PROTOCOL, signedKey));
      const signature = ecdsa(how.signMessageWith ?? intermediate.privateKey, signedBytes(CALLBACK_SENDER_ID, how.recipientId, CALLBACK_PROTOCOL, signedMessage));
      return {
        protocolVersion: CALLBACK_PROTOCOL,
        signature,
        intermediateSigningKey: { signedKey, signatures: [keySignature] },
        signedMessage: how.tamper ? signedMessage.replace(/"eventType":"(save|del)"/, (_, t: string) => `"eventType":"${t === "save" ? "del" : "save"}"`) : signedMessage,
      };
    },
    /** A P-256 key that is not Google's, for forgeries. */
    strangerKey: () => p256().privateKey,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
