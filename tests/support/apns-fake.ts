import http2 from "node:http2";
import type { AddressInfo } from "node:net";
import { issueServerCert } from "@/wallet/dev-certs";
import { testWalletCerts } from "./wallet-certs";

export type ApnsRequest = { path: string; method: string; topic: string | undefined; body: string; clientCertSubject: string | null; authorization: string | undefined; at: number };

/** APNs' documented refusals (status and the `reason` of the JSON body). */
export const APNS_REFUSALS = {
  BadDeviceToken: { status: 400, reason: "BadDeviceToken" },
  DeviceTokenNotForTopic: { status: 400, reason: "DeviceTokenNotForTopic" },
  BadPriority: { status: 400, reason: "BadPriority" },
  Forbidden: { status: 403, reason: "InvalidProviderToken" },
  BadCertificateEnvironment: { status: 403, reason: "BadCertificateEnvironment" },
  Unregistered: { status: 410, reason: "Unregistered" },
  TooManyRequests: { status: 429, reason: "TooManyRequests" },
} as const;

/**
 * A local APNs: HTTP/2 over TLS with a certificate from the test CA, asking for the client
 * certificate like Apple does (a sender with token auth sends none but an `authorization: bearer
 * <JWT>` header, recorded for the test to verify). It records every push and answers 200, or
 * whatever `answer` decides per device token (410 Unregistered, 429, 500…).
 */
export async function startApnsFake() {
  const { files } = testWalletCerts();
  const tls = issueServerCert(files);
  const fs = await import("node:fs");
  const requests: ApnsRequest[] = [];
  let answer: (token: string, attempt: number) => { status: number; reason?: string } = () => ({ status: 200 });
  const attempts = new Map<string, number>();

  const server = http2.createSecureServer({ key: tls.key, cert: tls.cert, ca: fs.readFileSync(files.rootCa, "utf8"), requestCert: true, rejectUnauthorized: false });
  server.on("stream", (stream, headers) => {
    let body = "";
    stream.setEncoding("utf8");
    stream.on("data", (c: string) => (body += c));
    stream.on("end", () => {
      const path = String(headers[":path"]);
      const peer = (stream.session?.socket as import("node:tls").TLSSocket | undefined)?.getPeerCertificate?.();
      requests.push({
        path,
        method: String(headers[":method"]),
        topic: headers["apns-topic"] as string | undefined,
        body,
        clientCertSubject: peer && peer.subject ? String(peer.subject.CN) : null,
        authorization: headers.authorization as string | undefined,
        at: Date.now(),
      });
      const token = decodeURIComponent(path.replace(/^\/3\/device\//, ""));
      const n = (attempts.get(token) ?? 0) + 1;
      attempts.set(token, n);
      const { status, reason } = answer(token, n);
      stream.respond({ ":status": status, "content-type": "application/json", "apns-id": `fake-${requests.length}` });
      stream.end(status === 200 ? "" : JSON.stringify({ reason: reason ?? "Error", ...(status === 410 ? { timestamp: Date.now() } : {}) }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `https://localhost:${port}`,
    requests,
    answer(fn: typeof answer) {
      answer = fn;
    },
    /** Answers `token` the way APNs refuses it; other tokens keep the current answer. */
    refuse(token: string, refusal: keyof typeof APNS_REFUSALS) {
      const previous = answer;
      answer = (t, n) => (t === token ? APNS_REFUSALS[refusal] : previous(t, n));
    },
    reset() {
      requests.length = 0;
      attempts.clear();
      answer = () => ({ status: 200 });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
