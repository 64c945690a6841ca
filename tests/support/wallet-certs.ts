import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { generateDevWalletCerts, type DevWalletFiles, type DevWalletManifest } from "@/wallet/dev-certs";
import type { AppleConfig, GoogleConfig } from "@/wallet/config";

/**
 * Wallet credentials made by the tests themselves (root CA, fake WWDR, Pass Type ID signer and a
 * Google service account) in a temporary folder, once per test process: CI needs nothing extra.
 */
let made: { files: DevWalletFiles; manifest: DevWalletManifest } | undefined;

export function testWalletCerts() {
  if (made) return made;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "keepcard-wallet-"));
  const files = generateDevWalletCerts(dir);
  made = { files, manifest: JSON.parse(fs.readFileSync(files.manifest, "utf8")) as DevWalletManifest };
  return made;
}

export function testAppleConfig(overrides: Partial<AppleConfig> = {}): AppleConfig {
  const { files, manifest } = testWalletCerts();
  return {
    source: "dev",
    passTypeId: manifest.passTypeId,
    teamId: manifest.teamId,
    certificates: {
      wwdr: fs.readFileSync(files.wwdr, "utf8"),
      signerCert: fs.readFileSync(files.signerCert, "utf8"),
      signerKey: fs.readFileSync(files.signerKey, "utf8"),
    },
    webServiceUrl: "http://localhost:3000/api/wallet/apple",
    apns: { baseUrl: "https://127.0.0.1:1", ca: fs.readFileSync(files.rootCa, "utf8") },
    ...overrides,
  };
}

export function testGoogleConfig(baseUrl: string): GoogleConfig {
  const { files, manifest } = testWalletCerts();
  const sa = JSON.parse(fs.readFileSync(files.googleServiceAccount, "utf8")) as { client_email: string; private_key: string; private_key_id: string };
  return { source: "dev", issuerId: manifest.googleIssuerId, serviceAccount: sa, baseUrl, origins: ["http://localhost:3000"], mode: "api" };
}

/** Reads a zip of stored entries (what a .pkpass is) into a name → bytes map. */
export function readStoredZip(zip: Buffer): Record<string, Buffer> {
  const files: Record<string, Buffer> = {};
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (end < 0) throw new Error("not a zip: no end of central directory");
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error("broken central directory");
    const method = zip.readUInt16LE(at + 10);
    const size = zip.readUInt32LE(at + 20);
    const nameLen = zip.readUInt16LE(at + 28);
    const extraLen = zip.readUInt16LE(at + 30);
    const commentLen = zip.readUInt16LE(at + 32);
    const local = zip.readUInt32LE(at + 42);
    const name = zip.subarray(at + 46, at + 46 + nameLen).toString("utf8");
    if (method !== 0) throw new Error(`${name} is compressed (method ${method}); a pass must be stored`);
    const dataAt = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    files[name] = zip.subarray(dataAt, dataAt + size);
    at += 46 + nameLen + extraLen + commentLen;
  }
  return files;
}
