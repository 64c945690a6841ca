import { createPrivateKey, X509Certificate } from "node:crypto";
import { isProduction } from "../../lib/env";
import { appleConfig, type AppleConfig } from "../config";

/**
 * Checks of the Apple Wallet credentials that otherwise fail silently on the phones: passes that
 * will not install (ids that do not match the certificate, a signer that does not chain to the
 * WWDR certificate, an expired certificate, a key of another certificate) and passes that never
 * update (an http webServiceURL in production). Run at startup (instrumentation.ts) and shown on
 * the dashboard.
 */
export type AppleCredentialReport = {
  /** "ok": nothing wrong; "warning": works, but act soon; "error": passes will not install or update. */
  status: "ok" | "warning" | "error";
  errors: string[];
  warnings: string[];
  /** When the Pass Type ID certificate expires, when it could be read. */
  expiresAt: Date | null;
  checkedAt: Date;
};

/** How long before the certificate's expiry the dashboard starts warning. */
export const EXPIRY_WARNING_DAYS = 30;
const DAY = 86_400_000;

/** The value of one attribute (UID, OU, CN…) of a certificate subject as node:crypto prints it. */
function subjectValue(subject: string, attribute: string): string | null {
  const line = subject.split("\n").find((l) => l.startsWith(`${attribute}=`));
  return line ? line.slice(attribute.length + 1) : null;
}

const day = (d: Date) => d.toISOString().slice(0, 10);

export function checkAppleCredentials(
  config: Pick<AppleConfig, "passTypeId" | "teamId" | "certificates" | "webServiceUrl">,
  opts: { now?: Date; production?: boolean } = {},
): AppleCredentialReport {
  const now = opts.now ?? new Date();
  const production = opts.production ?? isProduction;
  const errors: string[] = [];
  const warnings: string[] = [];
  let expiresAt: Date | null = null;

  let signer: X509Certificate | null = null;
  let wwdr: X509Certificate | null = null;
  try {
    signer = new X509Certificate(config.certificates.signerCert);
  } catch {
    errors.push("The Pass Type ID certificate (APPLE_PASS_CERT) is not a readable PEM certificate.");
  }
  try {
    wwdr = new X509Certificate(config.certificates.wwdr);
  } catch {
    errors.push("The WWDR certificate (APPLE_WWDR_CERT) is not a readable PEM certificate.");
  }

  if (signer) {
    const uid = subjectValue(signer.subject, "UID");
    const ou = subjectValue(signer.subject, "OU");
    if (uid !== config.passTypeId) {
      errors.push(`The pass type id ${config.passTypeId} does not match the certificate, which is for ${uid ?? "no pass type id (no UID in its subject)"}.`);
    }
    if (ou !== config.teamId) errors.push(`The team id ${config.teamId} does not match the certificate, which belongs to team ${ou ?? "(no OU in its subject)"}.`);

    const from = new Date(signer.validFrom);
    expiresAt = new Date(signer.validTo);
    if (now.getTime() < from.getTime()) errors.push(`The Pass Type ID certificate is not valid before ${day(from)}.`);
    if (now.getTime() >= expiresAt.getTime()) {
      errors.push(`The Pass Type ID certificate expired on ${day(expiresAt)}: no pass installs or updates until a renewed one is configured.`);
    } else if (expiresAt.getTime() - now.getTime() < EXPIRY_WARNING_DAYS * DAY) {
      const days = Math.ceil((expiresAt.getTime() - now.getTime()) / DAY);
      warnings.push(`The Pass Type ID certificate expires on ${day(expiresAt)} (in ${days} day${days === 1 ? "" : "s"}): renew it in the Apple Developer account and replace APPLE_PASS_CERT and APPLE_PASS_KEY.`);
    }

    try {
      const key = createPrivateKey({
        key: config.certificates.signerKey,
        format: "pem",
        ...(config.certificates.signerKeyPassphrase ? { passphrase: config.certificates.signerKeyPassphrase } : {}),
      });
      if (!signer.checkPrivateKey(key)) errors.push("The private key (APPLE_PASS_KEY) belongs to another certificate than APPLE_PASS_CERT.");
    } catch {
      errors.push("The private key (APPLE_PASS_KEY) cannot be read (wrong passphrase, or not a PEM key).");
    }
  }

  if (signer && wwdr) {
    if (!signer.checkIssued(wwdr) || !signer.verify(wwdr.publicKey)) {
      errors.push(`The Pass Type ID certificate was not issued by the WWDR certificate supplied (${subjectValue(wwdr.subject, "OU") ?? subjectValue(wwdr.subject, "CN") ?? "unknown"}); certificates issued since 2022 need WWDR G4.`);
    }
    if (now.getTime() >= new Date(wwdr.validTo).getTime()) errors.push(`The WWDR certificate expired on ${day(new Date(wwdr.validTo))}.`);
  }

  let url: URL | null = null;
  try {
    url = new URL(config.webServiceUrl);
  } catch {
    errors.push(`The pass web service URL ${config.webServiceUrl} is not a URL.`);
  }
  // A loopback address is a local production build (tests, a laptop): no iPhone reaches it anyway.
  const loopback = url !== null && ["localhost", "127.0.0.1", "[::1]"].includes(url.hostname);
  if (url && url.protocol !== "https:") {
    if (production && !loopback) errors.push(`The pass web service URL ${config.webServiceUrl} is not https: iPhones never register for updates over http.`);
    else warnings.push(`The pass web service URL ${config.webServiceUrl} is not https: real iPhones will not register for updates (fine for local development).`);
  }

  return { status: errors.length > 0 ? "error" : warnings.length > 0 ? "warning" : "ok", errors, warnings, expiresAt, checkedAt: now };
}

let cached: AppleCredentialReport | null | undefined;

/** The check of the configured credentials (null when Apple Wallet is not configured); redone hourly, as expiry approaches. */
export function appleCredentialReport(now = new Date()): AppleCredentialReport | null {
  if (cached !== undefined && (cached === null || now.getTime() - cached.checkedAt.getTime() < 3_600_000)) return cached;
  const config = appleConfig();
  cached = config ? checkAppleCredentials(config, { now }) : null;
  return cached;
}

/**
 * At startup: logs the check, and in production refuses to start with broken credentials (every
 * pass issued would fail to install or update, silently). Development certificates only log.
 */
export function assertAppleCredentialsAtStartup(log: Pick<Console, "info" | "warn" | "error"> = console): AppleCredentialReport | null {
  const report = appleCredentialReport();
  if (!report) {
    log.info("[apple-wallet] not configured: Apple Wallet passes are off.");
    return null;
  }
  for (const w of report.warnings) log.warn(`[apple-wallet] ${w}`);
  for (const e of report.errors) log.error(`[apple-wallet] ${e}`);
  if (report.status === "ok") log.info(`[apple-wallet] credentials checked: certificate valid until ${report.expiresAt?.toISOString().slice(0, 10)}.`);
  if (report.errors.length > 0 && isProduction) {
    throw new Error(`Apple Wallet credentials are broken; refusing to start:\n- ${report.errors.join("\n- ")}\nFix the APPLE_* settings, or remove them all to run without Apple Wallet.`);
  }
  return report;
}
