import { constants, createPrivateKey, generateKeyPairSync, privateEncrypt, type KeyObject } from "node:crypto";
import forge from "node-forge";

export type PassCertificates = { wwdr: string; signerCert: string; signerKey: string; signerKeyPassphrase?: string };

type Prepared = { wwdr: forge.pki.Certificate; signer: forge.pki.Certificate; key: KeyObject };
const prepared = new Map<string, Prepared>();

function prepare(certs: PassCertificates): Prepared {
  const id = certs.signerCert + certs.wwdr;
  let p = prepared.get(id);
  if (!p) {
    p = {
      wwdr: forge.pki.certificateFromPem(certs.wwdr),
      signer: forge.pki.certificateFromPem(certs.signerCert),
      key: createPrivateKey({ key: certs.signerKey, format: "pem", ...(certs.signerKeyPassphrase ? { passphrase: certs.signerKeyPassphrase } : {}) }),
    };
    prepared.set(id, p);
  }
  return p;
}

/**
 * A node-forge "private key" whose RSA operation runs in node:crypto (OpenSSL). forge builds the
 * PKCS#7 structure; only the RSASSA-PKCS1-v1_5 signature of the DigestInfo is done natively,
 * which gives byte-for-byte the signature forge would compute, 10–20 times faster.
 */
function nativeSigner(key: KeyObject) {
  const { asn1 } = forge;
  return {
    sign(md: forge.md.MessageDigest): string {
      const oid = forge.pki.oids[md.algorithm];
      if (!oid) throw new Error(`no OID for digest ${md.algorithm}`);
      const digestInfo = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
        asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
          asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(oid).getBytes()),
          asn1.create(asn1.Class.UNIVERSAL, asn1.Type.NULL, false, ""),
        ]),
        asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OCTETSTRING, false, md.digest().getBytes()),
      ]);
      const der = Buffer.from(asn1.toDer(digestInfo).getBytes(), "binary");
      return privateEncrypt({ key, padding: constants.RSA_PKCS1_PADDING }, der).toString("binary");
    },
  };
}

/**
 * The pass's `signature`: a detached PKCS#7 (DER) over manifest.json, signed by the Pass Type ID
 * certificate with the WWDR intermediate embedded, at the current time. A phone checks the
 * certificate chain at the signing time: a pass signed "when the card last changed" would, after
 * the yearly certificate renewal, carry a time at which the new certificate was not yet valid, and
 * iOS refuses it. So the signature differs on every call; the content (pass.json, manifest.json)
 * does not.
 */
export function signManifest(manifest: Buffer, certs: PassCertificates, signingTime: Date = new Date()): Buffer {
  const { wwdr, signer, key } = prepare(certs);
  const p7 = forge.pkcs7.createSignedData();
  p7.content = forge.util.createBuffer(manifest.toString("binary"));
  p7.addCertificate(wwdr);
  p7.addCertificate(signer);
  p7.addSigner({
    key: nativeSigner(key) as unknown as forge.pki.rsa.PrivateKey,
    certificate: signer,
    digestAlgorithm: forge.pki.oids.sha256!,
    authenticatedAttributes: [
      { type: forge.pki.oids.contentType!, value: forge.pki.oids.data },
      { type: forge.pki.oids.messageDigest! },
      // Whole seconds: that is all the ASN.1 UTCTime keeps anyway.
      { type: forge.pki.oids.signingTime!, value: new Date(Math.floor(signingTime.getTime() / 1000) * 1000) as unknown as string },
    ],
  });
  p7.sign({ detached: true });
  return Buffer.from(forge.asn1.toDer(p7.toAsn1()).getBytes(), "binary");
}

let scratch: PassCertificates | undefined;

/**
 * passkit-generator always signs when it closes a pass, with node-forge's pure-JavaScript RSA
 * (60–120 ms a pass on our servers) and the wall-clock time. We let it assemble and validate the
 * pass with this throwaway in-memory 512-bit certificate, then discard that signature and sign
 * manifest.json with the real certificate in signManifest(). Never leaves the process.
 */
export function scratchCertificates(): PassCertificates {
  if (scratch) return scratch;
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 512 });
  const keyPem = privateKey.export({ type: "pkcs1", format: "pem" }).toString();
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: "spki", format: "pem" }).toString());
  cert.serialNumber = "01";
  cert.validity.notBefore = new Date(0);
  cert.validity.notAfter = new Date(Date.UTC(2049, 0, 1));
  const name = [{ name: "commonName", value: "passkit-generator scratch signer (discarded)" }];
  cert.setSubject(name);
  cert.setIssuer(name);
  cert.sign(forge.pki.privateKeyFromPem(keyPem), forge.md.sha256.create());
  const pem = forge.pki.certificateToPem(cert);
  scratch = { wwdr: pem, signerCert: pem, signerKey: keyPem };
  return scratch;
}
