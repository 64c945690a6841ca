import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { env, isProduction } from "../env";

type KeyPair = { privateKey: KeyObject; publicKey: KeyObject };
let cached: KeyPair | undefined;

/** The Ed25519 key pair that signs QR tokens: from TOKEN_SIGNING_KEY, or made once under .data/keys. */
export function signingKeys(): KeyPair {
  if (cached) return cached;
  let pem = env.TOKEN_SIGNING_KEY;
  if (pem && !pem.includes("BEGIN")) pem = Buffer.from(pem, "base64").toString("utf8");
  if (!pem) {
    if (isProduction) throw new Error("TOKEN_SIGNING_KEY is required in production");
    pem = devKey();
  }
  const privateKey = createPrivateKey(pem);
  if (privateKey.asymmetricKeyType !== "ed25519") throw new Error("TOKEN_SIGNING_KEY must be an Ed25519 private key");
  cached = { privateKey, publicKey: createPublicKey(privateKey) };
  return cached;
}

function devKey(): string {
  const file = path.join(env.DATA_DIR, "keys", "token-signing.pem");
  if (fs.existsSync(file)) return fs.readFileSync(file, "utf8");
  const pem = generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  fs.mkdirSync(path.dirname(file), { recursive: true });
  // A racing process may have written one first: keep whichever landed.
  try {
    fs.writeFileSync(file, pem, { flag: "wx", mode: 0o600 });
    return pem;
  } catch {
    return fs.readFileSync(file, "utf8");
  }
}

/** The public key as PEM, for scanners that verify offline. */
export function publicKeyPem(): string {
  return signingKeys().publicKey.export({ type: "spki", format: "pem" }).toString();
}
