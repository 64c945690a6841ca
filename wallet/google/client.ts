import { createSign } from "node:crypto";
import { JWT } from "google-auth-library";
import { env } from "../../lib/env";
import type { GoogleConfig } from "../config";

export const WALLET_SCOPE = "https://www.googleapis.com/auth/wallet_object.issuer";
export const SAVE_URL = "https://pay.google.com/gp/v/save/";

export const GOOGLE_TOKEN_URL = "https://oauth2.googleapis.com/token";

export type GoogleResponse<T = unknown> = { status: number; data: T };

/** A fetch that sends the library's calls to Google's token endpoint to `tokenUrl`, everything else where it was going. */
function redirectTokenCalls(tokenUrl: string): typeof fetch {
  return (input, init) => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    return fetch(url === GOOGLE_TOKEN_URL ? tokenUrl : input, init);
  };
}

/**
 * The Google Wallet REST API (loyaltyClass / loyaltyObject) through google-auth-library's JWT
 * client: it gets and refreshes the OAuth token from the service account and signs each request.
 * The base URL is configuration, so tests talk to a local fake; a test can also hand in a token
 * (`credentials`) so no token endpoint is needed.
 */
export class GoogleWalletClient {
  readonly client: JWT;

  constructor(
    readonly config: GoogleConfig,
    opts: { credentials?: { access_token: string; expiry_date: number } } = {},
  ) {
    this.client = new JWT({
      email: config.serviceAccount.client_email,
      key: config.serviceAccount.private_key,
      scopes: [WALLET_SCOPE],
      // The library's token endpoint is fixed; GOOGLE_OAUTH_TOKEN_URL (a local fake) takes its calls instead.
      ...(env.GOOGLE_OAUTH_TOKEN_URL !== GOOGLE_TOKEN_URL ? { transporterOptions: { fetchImplementation: redirectTokenCalls(env.GOOGLE_OAUTH_TOKEN_URL) } } : {}),
    });
    if (opts.credentials) this.client.setCredentials({ ...opts.credentials, token_type: "Bearer" });
  }

  classId(programId: string) {
    return `${this.config.issuerId}.${programId.replace(/[^\w.-]/g, "_")}`;
  }

  objectId(cardId: string) {
    return `${this.config.issuerId}.${cardId.replace(/[^\w.-]/g, "_")}`;
  }

  async call<T = unknown>(method: "GET" | "POST" | "PATCH", path: string, data?: unknown): Promise<GoogleResponse<T>> {
    if (this.config.mode === "development") throw new GoogleWalletDevelopmentError();
    const res = await this.client.request<T>({
      url: `${this.config.baseUrl.replace(/\/$/, "")}${path}`,
      method,
      data,
      validateStatus: () => true,
      retry: false,
    });
    return { status: res.status, data: res.data };
  }

  /**
   * The "Save to Google Wallet" link: an RS256 JWT signed with the service-account key that only
   * names an object already inserted by REST, which keeps it far below the 1,800-character limit.
   */
  saveJwt(objectId: string, now = new Date()): string {
    const header = { alg: "RS256", typ: "JWT", ...(this.config.serviceAccount.private_key_id ? { kid: this.config.serviceAccount.private_key_id } : {}) };
    const claims = {
      iss: this.config.serviceAccount.client_email,
      aud: "google",
      typ: "savetowallet",
      iat: Math.floor(now.getTime() / 1000),
      origins: this.config.origins,
      payload: { loyaltyObjects: [{ id: objectId }] },
    };
    const encode = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
    const unsigned = `${encode(header)}.${encode(claims)}`;
    const signature = createSign("RSA-SHA256").update(unsigned).sign(this.config.serviceAccount.private_key).toString("base64url");
    return `${unsigned}.${signature}`;
  }

  saveUrl(objectId: string, now?: Date): string {
    return SAVE_URL + this.saveJwt(objectId, now);
  }
}

/** Development credentials are never sent to Google (GoogleConfig.mode). */
export class GoogleWalletDevelopmentError extends Error {
  constructor() {
    super("Google Wallet is in development mode: the test service account is not sent to Google");
    this.name = "GoogleWalletDevelopmentError";
  }
}

export class GoogleWalletError extends Error {
  constructor(
    readonly status: number,
    what: string,
    detail: unknown,
  ) {
    super(`Google Wallet ${what} answered ${status}: ${JSON.stringify(detail)?.slice(0, 300)}`);
    this.name = "GoogleWalletError";
  }
}
