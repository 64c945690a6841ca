import fs from "node:fs";
import path from "node:path";
import { env, isProduction } from "../lib/env";
import type { ApnsTokenKey } from "./apple/apns";
import { devWalletFiles, type DevWalletManifest } from "./dev-certs";

/**
 * Which wallets this installation can issue, and with what credentials. Production settings come
 * from the environment (lib/env.ts); without them, outside production, the development
 * certificates of `npm run wallet:dev-certs` are used when they exist. Otherwise a wallet is
 * simply not configured and the card page says so.
 */
export type AppleConfig = {
  source: "env" | "dev";
  passTypeId: string;
  teamId: string;
  certificates: { wwdr: string; signerCert: string; signerKey: string; signerKeyPassphrase?: string };
  webServiceUrl: string;
  /** Pushes authenticate with `token` (APNs token auth) when it is set, with the pass certificate otherwise. */
  apns: { baseUrl: string; ca?: string; token?: ApnsTokenKey };
};

export type GoogleServiceAccount = { client_email: string; private_key: string; private_key_id?: string };

export type GoogleConfig = {
  source: "env" | "dev";
  issuerId: string;
  serviceAccount: GoogleServiceAccount;
  baseUrl: string;
  origins: string[];
  /**
   * "development": the test service account of `wallet:dev-certs` with Google's real API host.
   * Google would refuse it, so nothing calls Google: no save links, no object updates, and the
   * card page says Google Wallet is in development mode. A local stand-in as
   * GOOGLE_WALLET_BASE_URL (a fake of the API) makes the test account "api" again.
   */
  mode: "api" | "development";
};

export type WalletStatus = { configured: boolean; source: "env" | "dev" | null; mode?: "api" | "development"; reason?: string };

/** The host of Google's real Wallet API, which development credentials must never be sent to. */
export const GOOGLE_API_HOST = "walletobjects.googleapis.com";

/** A setting that may be the PEM/JSON itself, its base64, or a path to a file holding it. */
export function readSecret(value: string): string {
  const trimmed = value.trim();
  if (trimmed.startsWith("-----BEGIN") || trimmed.startsWith("{")) return trimmed.replace(/\\n/g, "\n");
  if (fs.existsSync(trimmed)) return fs.readFileSync(trimmed, "utf8");
  const decoded = Buffer.from(trimmed, "base64").toString("utf8");
  if (decoded.includes("-----BEGIN") || decoded.trim().startsWith("{")) return decoded;
  throw new Error("not a PEM, JSON, base64 of either, or an existing file path");
}

function devDir(): string {
  return env.WALLET_DEV_CERTS_DIR ?? path.join(env.DATA_DIR, "wallet");
}

function devManifest(): DevWalletManifest | null {
  if (isProduction) return null;
  const file = devWalletFiles(devDir()).manifest;
  if (!fs.existsSync(file)) return null;
  return JSON.parse(fs.readFileSync(file, "utf8")) as DevWalletManifest;
}

const appleKeys = ["APPLE_PASS_TYPE_ID", "APPLE_TEAM_ID", "APPLE_PASS_CERT", "APPLE_PASS_KEY", "APPLE_WWDR_CERT"] as const;
const apnsTokenKeys = ["APNS_KEY_ID", "APNS_TEAM_ID", "APNS_AUTH_KEY"] as const;

/** APNs token auth when APNS_KEY_ID, APNS_TEAM_ID and APNS_AUTH_KEY are all set; certificate auth when none is. */
function loadApnsToken(): { token?: ApnsTokenKey; reason?: string } {
  const set = apnsTokenKeys.filter((k) => env[k]);
  if (set.length === 0) return {};
  const missing = apnsTokenKeys.filter((k) => !env[k]);
  if (missing.length > 0) return { reason: `APNs token auth is half configured: ${missing.join(", ")} missing.` };
  try {
    return { token: { keyId: env.APNS_KEY_ID!, teamId: env.APNS_TEAM_ID!, key: readSecret(env.APNS_AUTH_KEY!) } };
  } catch (error) {
    return { reason: `The APNs auth key could not be read (${(error as Error).message}).` };
  }
}

function loadApple(): { config: AppleConfig | null; reason?: string } {
  const webServiceUrl = env.APPLE_WEB_SERVICE_URL ?? `${env.APP_URL.replace(/\/$/, "")}/api/wallet/apple`;
  const apnsCa = env.APNS_CA ? readSecret(env.APNS_CA) : undefined;
  const { token, reason: tokenProblem } = loadApnsToken();
  if (tokenProblem) return { config: null, reason: tokenProblem };
  const set = appleKeys.filter((k) => env[k]);
  if (set.length > 0) {
    const missing = appleKeys.filter((k) => !env[k]);
    if (missing.length > 0) return { config: null, reason: `Apple Wallet is half configured: ${missing.join(", ")} missing.` };
    try {
      return {
        config: {
          source: "env",
          passTypeId: env.APPLE_PASS_TYPE_ID!,
          teamId: env.APPLE_TEAM_ID!,
          certificates: {
            wwdr: readSecret(env.APPLE_WWDR_CERT!),
            signerCert: readSecret(env.APPLE_PASS_CERT!),
            signerKey: readSecret(env.APPLE_PASS_KEY!),
            ...(env.APPLE_PASS_KEY_PASSPHRASE ? { signerKeyPassphrase: env.APPLE_PASS_KEY_PASSPHRASE } : {}),
          },
          webServiceUrl,
          apns: { baseUrl: env.APNS_BASE_URL, ca: apnsCa, token },
        },
      };
    } catch (error) {
      return { config: null, reason: `Apple Wallet certificates could not be read (${(error as Error).message}).` };
    }
  }
  const dev = devManifest();
  if (!dev) return { config: null, reason: "Apple Wallet is not configured. Run `npm run wallet:dev-certs` for development certificates." };
  const files = devWalletFiles(devDir());
  return {
    config: {
      source: "dev",
      passTypeId: dev.passTypeId,
      teamId: dev.teamId,
      certificates: {
        wwdr: fs.readFileSync(files.wwdr, "utf8"),
        signerCert: fs.readFileSync(files.signerCert, "utf8"),
        signerKey: fs.readFileSync(files.signerKey, "utf8"),
      },
      webServiceUrl,
      apns: { baseUrl: env.APNS_BASE_URL, ca: apnsCa ?? fs.readFileSync(files.rootCa, "utf8"), token },
    },
  };
}

function parseServiceAccount(text: string): GoogleServiceAccount {
  const json = JSON.parse(text) as Partial<GoogleServiceAccount>;
  if (!json.client_email || !json.private_key) throw new Error("the service-account JSON needs client_email and private_key");
  return { client_email: json.client_email, private_key: json.private_key, private_key_id: json.private_key_id };
}

/** Whether a base URL points at Google's real API (an unreadable one counts as real: never risk it). */
export function isGoogleApiHost(baseUrl: string): boolean {
  try {
    const host = new URL(baseUrl).hostname;
    return host === GOOGLE_API_HOST || host.endsWith(".googleapis.com");
  } catch {
    return true;
  }
}

function loadGoogle(): { config: GoogleConfig | null; reason?: string } {
  const origins = env.GOOGLE_WALLET_ORIGINS ? env.GOOGLE_WALLET_ORIGINS.split(",").map((o) => o.trim()).filter(Boolean) : [new URL(env.APP_URL).origin];
  if (env.GOOGLE_WALLET_ISSUER_ID || env.GOOGLE_WALLET_SERVICE_ACCOUNT) {
    if (!env.GOOGLE_WALLET_ISSUER_ID || !env.GOOGLE_WALLET_SERVICE_ACCOUNT) {
      return { config: null, reason: "Google Wallet needs both GOOGLE_WALLET_ISSUER_ID and GOOGLE_WALLET_SERVICE_ACCOUNT." };
    }
    try {
      const serviceAccount = parseServiceAccount(readSecret(env.GOOGLE_WALLET_SERVICE_ACCOUNT));
      return { config: { source: "env", issuerId: env.GOOGLE_WALLET_ISSUER_ID, serviceAccount, baseUrl: env.GOOGLE_WALLET_BASE_URL, origins, mode: "api" } };
    } catch (error) {
      return { config: null, reason: `The Google service account could not be read (${(error as Error).message}).` };
    }
  }
  const dev = devManifest();
  if (!dev) return { config: null, reason: "Google Wallet is not configured. Run `npm run wallet:dev-certs` for a test service account." };
  const serviceAccount = parseServiceAccount(fs.readFileSync(devWalletFiles(devDir()).googleServiceAccount, "utf8"));
  const mode = isGoogleApiHost(env.GOOGLE_WALLET_BASE_URL) ? "development" : "api";
  return {
    config: { source: "dev", issuerId: dev.googleIssuerId, serviceAccount, baseUrl: env.GOOGLE_WALLET_BASE_URL, origins, mode },
    ...(mode === "development" ? { reason: "Google Wallet is in development mode: the test service account cannot save cards to a real Google Wallet." } : {}),
  };
}

let apple: ReturnType<typeof loadApple> | undefined;
let google: ReturnType<typeof loadGoogle> | undefined;

export function appleConfig(): AppleConfig | null {
  apple ??= loadApple();
  return apple.config;
}

export function googleConfig(): GoogleConfig | null {
  google ??= loadGoogle();
  return google.config;
}

/** What the card page and the dashboard show about each wallet. */
export function walletStatus(): { apple: WalletStatus; google: WalletStatus } {
  apple ??= loadApple();
  google ??= loadGoogle();
  return {
    apple: { configured: Boolean(apple.config), source: apple.config?.source ?? null, reason: apple.reason },
    google: { configured: Boolean(google.config), source: google.config?.source ?? null, mode: google.config?.mode, reason: google.reason },
  };
}
