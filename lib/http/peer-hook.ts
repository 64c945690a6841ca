import http from "node:http";
import https from "node:https";
import { markPeerHookInstalled, peerHookInstalled, PEER_HEADER } from "./client-ip";

/**
 * Next.js route handlers and server actions never see the socket. This stamps the TCP peer address
 * of every incoming request into PEER_HEADER before any listener (Next's request handler) runs,
 * replacing whatever copy the client sent, so lib/http/client-ip.ts can believe it. Installed once
 * per process by instrumentation.ts; wraps Server.prototype.emit, so servers created before it
 * (`next start` creates its server first) are covered too.
 */
export function installPeerHook(): void {
  if (peerHookInstalled()) return;
  for (const Server of [http.Server, https.Server]) {
    const original = Server.prototype.emit as (this: http.Server, event: string | symbol, ...args: unknown[]) => boolean;
    Server.prototype.emit = function emit(this: http.Server, event: string | symbol, ...args: unknown[]) {
      if (event === "request") stampPeer(args[0] as http.IncomingMessage);
      return original.call(this, event, ...args);
    } as typeof Server.prototype.emit;
  }
  markPeerHookInstalled();
}

/** Replaces any client-sent PEER_HEADER (in headers and rawHeaders) with the socket's address. */
export function stampPeer(request: http.IncomingMessage): void {
  const raw = request.rawHeaders;
  for (let i = raw.length - 2; i >= 0; i -= 2) if (raw[i]!.toLowerCase() === PEER_HEADER) raw.splice(i, 2);
  const address = request.socket?.remoteAddress;
  if (address) {
    request.headers[PEER_HEADER] = address;
    raw.push(PEER_HEADER, address);
  } else delete request.headers[PEER_HEADER];
}
