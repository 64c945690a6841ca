import { createPrivateKey, sign, type KeyObject } from "node:crypto";
import http2 from "node:http2";

/** APNs token auth: the .p8 signing key of the team (ES256), its key id and the team id. */
export type ApnsTokenKey = { keyId: string; teamId: string; key: string };

export type ApnsOptions = {
  /** https://api.push.apple.com in production; a local fake in tests. */
  baseUrl: string;
  /** Certificate auth: the Pass Type ID certificate and key authenticate us as a TLS client. */
  cert?: string;
  key?: string;
  passphrase?: string;
  /** Token auth instead: every request carries `authorization: bearer <ES256 JWT>`. */
  token?: ApnsTokenKey;
  /** How long one JWT is used; Apple wants a new one no more often than every 20 and at least every 60 minutes. */
  tokenTtlMs?: number;
  /** Extra CA to trust (the fake's); Apple's own servers need none. */
  ca?: string;
  timeoutMs?: number;
};

export type ApnsResult = { token: string; status: number; reason?: string };

const MINUTE = 60_000;

/**
 * The provider token of APNs token auth: a JWT with header `{alg: "ES256", kid}` and claims
 * `{iss: teamId, iat}`, signed with the team's key. One token is reused for `ttlMs` (50 minutes by
 * default; 20–60 allowed) and made again after that, or at once when APNs says it expired.
 */
export class ApnsProviderToken {
  private readonly key: KeyObject;
  private cached: { jwt: string; issuedAt: number } | null = null;

  constructor(
    private readonly auth: ApnsTokenKey,
    private readonly ttlMs = 50 * MINUTE,
  ) {
    if (ttlMs < 20 * MINUTE || ttlMs > 60 * MINUTE) throw new Error("APNs provider tokens must be renewed every 20 to 60 minutes");
    this.key = createPrivateKey(auth.key);
    if (this.key.asymmetricKeyType !== "ec") throw new Error("the APNs auth key must be an EC (P-256) key, a .p8 file from Apple");
  }

  get(now = Date.now()): string {
    if (this.cached && now - this.cached.issuedAt < this.ttlMs) return this.cached.jwt;
    const encode = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
    const unsigned = `${encode({ alg: "ES256", kid: this.auth.keyId })}.${encode({ iss: this.auth.teamId, iat: Math.floor(now / 1000) })}`;
    // JOSE wants the raw r||s signature, not DER.
    const signature = sign("sha256", Buffer.from(unsigned), { key: this.key, dsaEncoding: "ieee-p1363" }).toString("base64url");
    this.cached = { jwt: `${unsigned}.${signature}`, issuedAt: now };
    return this.cached.jwt;
  }

  /** APNs refused the token (ExpiredProviderToken): the next push signs a new one. */
  invalidate(): void {
    this.cached = null;
  }
}

/**
 * Sends Wallet's update pushes: `POST /3/device/{pushToken}` over HTTP/2 with `apns-topic` set
 * to the pass type id and the body `{}` (Wallet ignores any content). Authenticated by the Pass
 * Type ID certificate as TLS client certificate, or by a provider token when `token` is given.
 * One HTTP/2 session is kept and reopened when the server closes it.
 */
export class ApnsSender {
  private session: http2.ClientHttp2Session | null = null;
  private readonly providerToken: ApnsProviderToken | null;

  constructor(private readonly options: ApnsOptions) {
    this.providerToken = options.token ? new ApnsProviderToken(options.token, options.tokenTtlMs) : null;
    if (!this.providerToken && !(options.cert && options.key)) throw new Error("APNs needs the pass certificate and key, or a token key");
  }

  /** Which way this sender authenticates. */
  get auth(): "token" | "certificate" {
    return this.providerToken ? "token" : "certificate";
  }

  private connect(): http2.ClientHttp2Session {
    if (this.session && !this.session.closed && !this.session.destroyed) return this.session;
    const session = http2.connect(this.options.baseUrl, {
      ...(this.providerToken ? {} : { cert: this.options.cert, key: this.options.key, passphrase: this.options.passphrase }),
      ...(this.options.ca ? { ca: this.options.ca } : {}),
    });
    session.on("error", () => {
      if (this.session === session) this.session = null;
    });
    session.on("close", () => {
      if (this.session === session) this.session = null;
    });
    // Do not keep the process alive just for an idle push connection.
    session.unref();
    this.session = session;
    return session;
  }

  /** One push (and one more when APNs says the provider token expired). Network failures come back as status 0. */
  async send(pushToken: string, topic: string): Promise<ApnsResult> {
    const result = await this.sendOnce(pushToken, topic);
    if (this.providerToken && result.status === 403 && result.reason === "ExpiredProviderToken") {
      this.providerToken.invalidate();
      return this.sendOnce(pushToken, topic);
    }
    return result;
  }

  private sendOnce(pushToken: string, topic: string): Promise<ApnsResult> {
    return new Promise((resolve) => {
      let session: http2.ClientHttp2Session;
      try {
        session = this.connect();
      } catch (error) {
        resolve({ token: pushToken, status: 0, reason: (error as Error).message });
        return;
      }
      const req = session.request({
        ":method": "POST",
        ":path": `/3/device/${encodeURIComponent(pushToken)}`,
        "apns-topic": topic,
        "apns-push-type": "background",
        "apns-priority": "5",
        "content-type": "application/json",
        ...(this.providerToken ? { authorization: `bearer ${this.providerToken.get()}` } : {}),
      });
      req.setTimeout(this.options.timeoutMs ?? 10_000, () => req.close(http2.constants.NGHTTP2_CANCEL));
      let status = 0;
      let body = "";
      req.on("response", (headers) => {
        status = Number(headers[":status"] ?? 0);
      });
      req.setEncoding("utf8");
      req.on("data", (chunk: string) => {
        body += chunk;
      });
      req.on("end", () => {
        let reason: string | undefined;
        try {
          reason = body ? (JSON.parse(body) as { reason?: string }).reason : undefined;
        } catch {
          reason = body.slice(0, 200);
        }
        resolve({ token: pushToken, status, reason });
      });
      req.on("error", (error) => resolve({ token: pushToken, status: 0, reason: error.message }));
      req.end("{}");
    });
  }

  close(): void {
    this.session?.close();
    this.session = null;
  }
}

const retryable = (status: number) => status === 0 || status === 429 || status >= 500;

/**
 * Pushes to every token, retrying throttling, server errors and network failures with back-off.
 * Returns the final answer per token; callers drop registrations answered 410 (Unregistered).
 */
export async function pushAll(
  sender: Pick<ApnsSender, "send">,
  topic: string,
  tokens: string[],
  opts: { attempts?: number; backoffMs?: number } = {},
): Promise<ApnsResult[]> {
  const attempts = opts.attempts ?? 3;
  const backoff = opts.backoffMs ?? 250;
  return Promise.all(
    [...new Set(tokens)].map(async (token) => {
      let result = await sender.send(token, topic);
      for (let i = 1; i < attempts && retryable(result.status); i++) {
        await new Promise((r) => setTimeout(r, backoff * 2 ** (i - 1)));
        result = await sender.send(token, topic);
      }
      return result;
    }),
  );
}
