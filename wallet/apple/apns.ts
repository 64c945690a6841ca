import http2 from "node:http2";

export type ApnsOptions = {
  /** https://api.push.apple.com in production; a local fake in tests. */
  baseUrl: string;
  /** The Pass Type ID certificate and key authenticate us as a TLS client. */
  cert: string;
  key: string;
  passphrase?: string;
  /** Extra CA to trust (the fake's); Apple's own servers need none. */
  ca?: string;
  timeoutMs?: number;
};

export type ApnsResult = { token: string; status: number; reason?: string };

/**
 * Sends Wallet's update pushes: `POST /3/device/{pushToken}` over HTTP/2 with `apns-topic` set
 * to the pass type id and the body `{}` (Wallet ignores any content). One HTTP/2 session is kept
 * and reopened when the server closes it.
 */
export class ApnsSender {
  private session: http2.ClientHttp2Session | null = null;

  constructor(private readonly options: ApnsOptions) {}

  private connect(): http2.ClientHttp2Session {
    if (this.session && !this.session.closed && !this.session.destroyed) return this.session;
    const session = http2.connect(this.options.baseUrl, {
      cert: this.options.cert,
      key: this.options.key,
      passphrase: this.options.passphrase,
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

  /** One push, one attempt. Network failures come back as status 0. */
  send(pushToken: string, topic: string): Promise<ApnsResult> {
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
