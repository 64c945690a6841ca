import http from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { clientIpFrom, clientIpKey, ipBucket, normalizeIp, PEER_HEADER, UNKNOWN_CLIENT } from "@/lib/http/client-ip";
import { stampPeer } from "@/lib/http/peer-hook";

const socketOnly = { trustedProxyHops: 0 };
const h = (init: Record<string, string>) => new Headers(init);

describe("client IP", () => {
  it("by default believes only the socket peer, whatever X-Forwarded-For and X-Real-IP say", () => {
    const headers = h({ "x-forwarded-for": "203.0.113.7, 10.0.0.2", "x-real-ip": "10.0.0.9", [PEER_HEADER]: "::ffff:192.0.2.10" });
    expect(clientIpFrom(headers, socketOnly, true)).toBe("192.0.2.10");
  });

  it("never believes the peer header unless this server stamped it (the hook is installed)", () => {
    expect(clientIpFrom(h({ [PEER_HEADER]: "192.0.2.10" }), socketOnly, false)).toBe(UNKNOWN_CLIENT);
    expect(clientIpFrom(h({ "x-forwarded-for": "203.0.113.7" }), socketOnly, false)).toBe(UNKNOWN_CLIENT);
  });

  it("with N trusted hops takes the Nth X-Forwarded-For entry from the right", () => {
    const headers = h({ "x-forwarded-for": "1.1.1.1, 203.0.113.7, 10.0.0.2", [PEER_HEADER]: "10.0.0.3" });
    expect(clientIpFrom(headers, { trustedProxyHops: 1 }, true)).toBe("10.0.0.2");
    expect(clientIpFrom(headers, { trustedProxyHops: 2 }, true)).toBe("203.0.113.7");
    expect(clientIpFrom(headers, { trustedProxyHops: 3 }, true)).toBe("1.1.1.1");
    // Fewer entries than hops: the leftmost, what the first proxy saw.
    expect(clientIpFrom(headers, { trustedProxyHops: 5 }, true)).toBe("1.1.1.1");
    // A client prepending entries changes nothing for the hop count.
    const spoofed = h({ "x-forwarded-for": "6.6.6.6, 7.7.7.7, 203.0.113.7, 10.0.0.2" });
    expect(clientIpFrom(spoofed, { trustedProxyHops: 2 }, true)).toBe("203.0.113.7");
  });

  it("with hops but no (or a garbled) X-Forwarded-For falls back to the peer", () => {
    expect(clientIpFrom(h({ [PEER_HEADER]: "192.0.2.1" }), { trustedProxyHops: 1 }, true)).toBe("192.0.2.1");
    expect(clientIpFrom(h({ "x-forwarded-for": "not-an-ip", [PEER_HEADER]: "192.0.2.1" }), { trustedProxyHops: 1 }, true)).toBe("192.0.2.1");
    expect(clientIpFrom(h({ "x-forwarded-for": " , " }), { trustedProxyHops: 1 }, false)).toBe(UNKNOWN_CLIENT);
  });

  it("with a platform header believes that header (first value), else the peer", () => {
    const config = { trustedProxyHops: 0, clientIpHeader: "fly-client-ip" };
    expect(clientIpFrom(h({ "fly-client-ip": "203.0.113.9", "x-forwarded-for": "6.6.6.6", [PEER_HEADER]: "10.0.0.1" }), config, true)).toBe("203.0.113.9");
    expect(clientIpFrom(h({ "fly-client-ip": "junk", [PEER_HEADER]: "10.0.0.1" }), config, true)).toBe("10.0.0.1");
    expect(clientIpFrom(h({}), config, false)).toBe(UNKNOWN_CLIENT);
  });

  it("spells addresses one way: ports, brackets, zones and IPv4-mapped IPv6 removed", () => {
    expect(normalizeIp(" 203.0.113.7:4711 ")).toBe("203.0.113.7");
    expect(normalizeIp("[2001:db8::1]:443")).toBe("2001:db8::1");
    expect(normalizeIp("2001:0db8:0000::0001")).toBe("2001:db8::1");
    expect(normalizeIp("::ffff:127.0.0.1")).toBe("127.0.0.1");
    expect(normalizeIp("fe80::1%eth0")).toBe("fe80::1");
    expect(normalizeIp("evil.example")).toBeNull();
    expect(normalizeIp("")).toBeNull();
    expect(normalizeIp(null)).toBeNull();
  });

  it("counts IPv6 clients per /64 and IPv4 clients per address", () => {
    expect(ipBucket("2001:db8:1:2:aaaa::1")).toBe("2001:db8:1:2::/64");
    expect(ipBucket("2001:db8:1:2:bbbb::9")).toBe("2001:db8:1:2::/64");
    expect(ipBucket("203.0.113.7")).toBe("203.0.113.7");
    expect(ipBucket(UNKNOWN_CLIENT)).toBe(UNKNOWN_CLIENT);
    expect(clientIpKey(h({ [PEER_HEADER]: "2001:db8::5" }), socketOnly, true)).toBe("2001:db8:0:0::/64");
  });
});

describe("the peer hook", () => {
  it("replaces a client-sent peer header with the socket address, in headers and raw headers", async () => {
    const seen: { headers: http.IncomingHttpHeaders; raw: string[] }[] = [];
    const server = http.createServer((req, res) => {
      stampPeer(req);
      seen.push({ headers: { ...req.headers }, raw: [...req.rawHeaders] });
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.address() as AddressInfo;
      await fetch(`http://127.0.0.1:${port}/`, { headers: { [PEER_HEADER]: "6.6.6.6", "x-forwarded-for": "6.6.6.6" } });
      expect(seen[0]!.headers[PEER_HEADER]).toBe("127.0.0.1");
      const rawPeers = seen[0]!.raw.filter((_, i, all) => i % 2 === 1 && all[i - 1]!.toLowerCase() === PEER_HEADER);
      expect(rawPeers).toEqual(["127.0.0.1"]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe("one place decides", () => {
  it("no code but lib/http/client-ip.ts reads X-Forwarded-For or X-Real-IP", async () => {
    const fs = await import("node:fs");
    const path = await import("node:path");
    const files = (dir: string): string[] =>
      fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : /\.(ts|tsx)$/.test(e.name) ? [path.join(dir, e.name)] : []));
    const sources = [...["app", "lib", "components", "jobs", "wallet"].flatMap(files), "auth.ts", "proxy.ts", "instrumentation.ts"];
    // A header name in quotes is a read (comments may mention them).
    const readers = sources.filter((f) => /["'`](x-forwarded-for|x-real-ip)["'`]/i.test(fs.readFileSync(f, "utf8")));
    expect(readers).toEqual([path.join("lib", "http", "client-ip.ts")]);
  });
});
