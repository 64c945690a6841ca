import { createHash, generateKeyPairSync, randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import forge from "node-forge";

/**
 * Development certificates for both wallets, made without an Apple or Google account:
 *
 *   root-ca.pem / root-ca.key      a self-made root ("Keepcard Dev Root CA")
 *   wwdr.pem                       a fake "Apple Worldwide Developer Relations" intermediate under it
 *   pass-signer.pem / .key         the Pass Type ID certificate (CN "Pass Type ID: pass.…", OU = team id)
 *   google-service-account.json    a Google service-account key file (RSA), for signing save links
 *   wallet.json                    pass type id, team id and Google issuer id that go with them
 *
 * Passes signed with these are valid PKCS#7 but not trusted by real iPhones; Google links signed
 * with the test key are refused by Google. They make everything work end to end locally and in tests.
 */
export type DevWalletFiles = {
  dir: string;
  rootCa: string;
  rootKey: string;
  wwdr: string;
  signerCert: string;
  signerKey: string;
  googleServiceAccount: string;
  manifest: string;
};

export type DevWalletManifest = { passTypeId: string; teamId: string; googleIssuerId: string };

export const DEV_PASS_TYPE_ID = "pass.dev.keepcard.loyalty";
export const DEV_TEAM_ID = "KEEPCARD01";
export const DEV_GOOGLE_ISSUER_ID = "3388000000022000000";

export function devWalletFiles(dir: string): DevWalletFiles {
  return {
    dir,
    rootCa: path.join(dir, "root-ca.pem"),
    rootKey: path.join(dir, "root-ca.key"),
    wwdr: path.join(dir, "wwdr.pem"),
    signerCert: path.join(dir, "pass-signer.pem"),
    signerKey: path.join(dir, "pass-signer.key"),
    googleServiceAccount: path.join(dir, "google-service-account.json"),
    manifest: path.join(dir, "wallet.json"),
  };
}

type Name = ({ name: string; value: string } | { type: string; value: string })[];

function rsaKey() {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return {
    pem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    pkcs1: privateKey.export({ type: "pkcs1", format: "pem" }).toString(),
    publicPem: publicKey.export({ type: "spki", format: "pem" }).toString(),
  };
}

function certificate(opts: {
  subject: Name;
  issuer: Name;
  publicKeyPem: string;
  signingKeyPem: string;
  ca: boolean;
  years: number;
  extensions?: object[];
}): string {
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(opts.publicKeyPem);
  cert.serialNumber = "01" + randomBytes(8).toString("hex");
  const from = new Date(Date.now() - 24 * 3600_000);
  cert.validity.notBefore = from;
  cert.validity.notAfter = new Date(from.getTime() + opts.years * 365 * 24 * 3600_000);
  cert.setSubject(opts.subject);
  cert.setIssuer(opts.issuer);
  cert.setExtensions([
    { name: "basicConstraints", cA: opts.ca, critical: opts.ca },
    opts.ca
      ? { name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true }
      : { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
    { name: "subjectKeyIdentifier" },
    ...(opts.extensions ?? []),
  ]);
  cert.sign(forge.pki.privateKeyFromPem(opts.signingKeyPem), forge.md.sha256.create());
  return forge.pki.certificateToPem(cert);
}

/** Issues a TLS server certificate for `hosts` under the dev root (used by the local APNs fake). */
export function issueServerCert(files: DevWalletFiles, hosts: string[] = ["localhost", "127.0.0.1"]) {
  const key = rsaKey();
  const root = forge.pki.certificateFromPem(fs.readFileSync(files.rootCa, "utf8"));
  const cert = certificate({
    subject: [{ name: "commonName", value: hosts[0]! }],
    issuer: root.subject.attributes.map((a) => ({ type: a.type!, value: String(a.value) })),
    publicKeyPem: key.publicPem,
    signingKeyPem: fs.readFileSync(files.rootKey, "utf8"),
    ca: false,
    years: 1,
    extensions: [
      { name: "extKeyUsage", serverAuth: true },
      { name: "subjectAltName", altNames: hosts.map((h) => (/^[\d.]+$/.test(h) ? { type: 7, ip: h } : { type: 2, value: h })) },
    ],
  });
  return { cert, key: key.pem };
}

/**
 * Writes a complete set of development wallet credentials into `dir`. Existing files are kept
 * unless `force` is set, so running it twice changes nothing.
 */
export function generateDevWalletCerts(dir: string, opts: { force?: boolean; passTypeId?: string; teamId?: string } = {}): DevWalletFiles {
  const files = devWalletFiles(dir);
  if (!opts.force && Object.values(files).every((f) => f === dir || fs.existsSync(f))) return files;
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });

  const passTypeId = opts.passTypeId ?? DEV_PASS_TYPE_ID;
  const teamId = opts.teamId ?? DEV_TEAM_ID;

  const rootKey = rsaKey();
  const rootName: Name = [
    { name: "commonName", value: "Keepcard Dev Root CA" },
    { name: "organizationName", value: "Keepcard Development" },
    { name: "countryName", value: "US" },
  ];
  const rootCa = certificate({ subject: rootName, issuer: rootName, publicKeyPem: rootKey.publicPem, signingKeyPem: rootKey.pem, ca: true, years: 10 });

  const wwdrKey = rsaKey();
  const wwdrName: Name = [
    { name: "commonName", value: "Apple Worldwide Developer Relations Certification Authority (Keepcard dev fake)" },
    { name: "organizationalUnitName", value: "G4" },
    { name: "organizationName", value: "Keepcard Development" },
    { name: "countryName", value: "US" },
  ];
  const wwdr = certificate({ subject: wwdrName, issuer: rootName, publicKeyPem: wwdrKey.publicPem, signingKeyPem: rootKey.pem, ca: true, years: 8 });

  const signerKey = rsaKey();
  const signer = certificate({
    subject: [
      { type: "0.9.2342.19200300.100.1.1", value: passTypeId },
      { name: "commonName", value: `Pass Type ID: ${passTypeId}` },
      { name: "organizationalUnitName", value: teamId },
      { name: "organizationName", value: "Keepcard Development" },
      { name: "countryName", value: "US" },
    ],
    issuer: wwdrName,
    publicKeyPem: signerKey.publicPem,
    signingKeyPem: wwdrKey.pem,
    ca: false,
    years: 1,
    // The same certificate authenticates to APNs as a TLS client.
    extensions: [{ name: "extKeyUsage", clientAuth: true, emailProtection: true }],
  });

  const googleKey = rsaKey();
  const keyId = createHash("sha1").update(googleKey.publicPem).digest("hex");
  const serviceAccount = {
    type: "service_account",
    project_id: "keepcard-dev",
    private_key_id: keyId,
    private_key: googleKey.pem,
    client_email: "wallet-dev@keepcard-dev.iam.gserviceaccount.com",
    client_id: "100000000000000000000",
    auth_uri: "https://accounts.google.com/o/oauth2/auth",
    token_uri: "https://oauth2.googleapis.com/token",
  };
  const manifest: DevWalletManifest = { passTypeId, teamId, googleIssuerId: DEV_GOOGLE_ISSUER_ID };

  const write = (file: string, text: string) => fs.writeFileSync(file, text, { mode: 0o600 });
  write(files.rootCa, rootCa);
  write(files.rootKey, rootKey.pem);
  write(files.wwdr, wwdr);
  // PKCS#1 ("BEGIN RSA PRIVATE KEY"): the form Apple's own tooling exports and node-forge reads.
  write(files.signerKey, signerKey.pkcs1);
  write(files.signerCert, signer);
  write(files.googleServiceAccount, JSON.stringify(serviceAccount, null, 2) + "\n");
  write(files.manifest, JSON.stringify(manifest, null, 2) + "\n");
  return files;
}
