import ipaddr from "ipaddr.js";
import { env } from "../env";

/**
 * The header in which this server stamps the TCP peer address of every request
 * (lib/http/peer-hook.ts, installed by instrumentation.ts). Any copy a client sends is replaced
 * before Next.js sees the request, so it cannot be forged.
 */
export const PEER_HEADER = "x-keepcard-peer";

const hookFlag = Symbol.for("keepcard.peerHook");

/** True once this process stamps PEER_HEADER on every request; until then the header is not believed. */
export function peerHookInstalled(): boolean {
  return (globalThis as Record<symbol, unknown>)[hookFlag] === true;
}

export function markPeerHookInstalled(): void {
  (globalThis as Record<symbol, unknown>)[hookFlag] = true;
}

export type ClientIpConfig = {
  /** Proxies in front of this server that append to X-Forwarded-For; 0 = believe only the socket. */
  trustedProxyHops: number;
  /** A header a platform sets to the client's address (fly-client-ip, cf-connecting-ip…), or undefined. */
  clientIpHeader?: string;
};

const configured: ClientIpConfig = { trustedProxyHops: env.TRUSTED_PROXY_HOPS, clientIpHeader: env.CLIENT_IP_HEADER?.toLowerCase() };

/** Requests without a known peer (called in-process, as tests do) share this one key. */
export const UNKNOWN_CLIENT = "local";

/**
 * An address in one canonical spelling: IPv4-mapped IPv6 ("::ffff:203.0.113.7") as IPv4, IPv6
 * compressed, a port or brackets dropped ("203.0.113.7:4711", "[2001:db8::1]:443"). Null when the
 * text is no address.
 */
export function normalizeIp(raw: string | null | undefined): string | null {
  let text = raw?.trim();
  if (!text) return null;
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(text);
  if (bracketed) text = bracketed[1]!;
  else if (/^\d{1,3}(\.\d{1,3}){3}:\d+$/.test(text)) text = text.slice(0, text.lastIndexOf(":"));
  // A zone ("fe80::1%eth0") names a local interface: not part of the address.
  text = text.replace(/%.*$/, "");
  if (!ipaddr.isValid(text)) return null;
  const address = ipaddr.parse(text);
  if (address.kind() === "ipv6" && (address as ipaddr.IPv6).isIPv4MappedAddress()) return (address as ipaddr.IPv6).toIPv4Address().toString();
  return address.toString();
}

/**
 * The client's address, decided in one place:
 * - CLIENT_IP_HEADER set: that header, which the platform in front (Fly, Cloudflare…) overwrites;
 * - TRUSTED_PROXY_HOPS = N > 0: the Nth X-Forwarded-For entry from the right, the address the
 *   outermost trusted proxy saw (entries left of it are whatever the client wrote); with fewer
 *   entries than N, the leftmost;
 * - otherwise (the default): the TCP peer, which the server stamped in PEER_HEADER.
 * Falls back to the peer when the configured header is missing or no address, and to
 * UNKNOWN_CLIENT when there is no peer either.
 */
export function clientIpFrom(headers: Headers, config: ClientIpConfig = configured, trustPeerHeader = peerHookInstalled()): string {
  const peer = trustPeerHeader ? normalizeIp(headers.get(PEER_HEADER)) : null;
  if (config.clientIpHeader) {
    return normalizeIp(headers.get(config.clientIpHeader)?.split(",")[0]) ?? peer ?? UNKNOWN_CLIENT;
  }
  if (config.trustedProxyHops > 0) {
    const entries = (headers.get("x-forwarded-for") ?? "")
      .split(",")
      .map((e) => e.trim())
      .filter(Boolean);
    if (entries.length > 0) {
      const chosen = entries[Math.max(0, entries.length - config.trustedProxyHops)];
      const ip = normalizeIp(chosen);
      if (ip) return ip;
    }
  }
  return peer ?? UNKNOWN_CLIENT;
}

/**
 * The rate-limit key for an address. One IPv6 subscriber gets a whole /64, so IPv6 addresses are
 * counted per /64; IPv4 per address.
 */
export function ipBucket(ip: string): string {
  if (!ipaddr.IPv6.isValid(ip) || ipaddr.IPv4.isValid(ip)) return ip;
  const parts = ipaddr.IPv6.parse(ip).parts.slice(0, 4);
  return `${parts.map((p) => p.toString(16)).join(":")}::/64`;
}

/** The per-IP rate-limit key of a request. */
export function clientIpKey(headers: Headers, config?: ClientIpConfig, trustPeerHeader?: boolean): string {
  return ipBucket(clientIpFrom(headers, config, trustPeerHeader));
}
