import { describe, expect, it } from "vitest";
import { excerpt, outboundUrlProblem, refusedAddress } from "@/lib/outbound/fetch";

const strict = { allowLoopback: false, allowHttp: false };

describe("refusedAddress", () => {
  it.each([
    ["127.0.0.1", "loopback"],
    ["127.8.9.10", "loopback"],
    ["::1", "loopback"],
    ["10.0.0.5", "private"],
    ["172.16.3.4", "private"],
    ["192.168.1.1", "private"],
    ["169.254.169.254", "linkLocal"],
    ["fe80::1", "linkLocal"],
    ["100.64.0.1", "carrierGradeNat"],
    ["224.0.0.1", "multicast"],
    ["ff02::1", "multicast"],
    ["0.0.0.0", "unspecified"],
    ["::", "unspecified"],
    ["255.255.255.255", "broadcast"],
    ["240.0.0.1", "reserved"],
    ["::ffff:127.0.0.1", "ipv4Mapped"],
    ["::ffff:8.8.8.8", "ipv4Mapped"],
    ["fd00::1", "uniqueLocal"],
    ["fc12:3456::1", "uniqueLocal"],
    ["fec0::1", "siteLocal"],
    ["64:ff9b::a00:1", "rfc6052"],
  ])("refuses %s (%s)", (address, range) => {
    expect(refusedAddress(address, strict)).toBe(range);
  });

  it.each(["8.8.8.8", "93.184.216.34", "2606:4700:4700::1111"])("allows the public address %s", (address) => {
    expect(refusedAddress(address, strict)).toBeNull();
  });

  it("allows loopback only with the test switch, and nothing else private with it", () => {
    expect(refusedAddress("127.0.0.1", { allowLoopback: true })).toBeNull();
    expect(refusedAddress("::1", { allowLoopback: true })).toBeNull();
    expect(refusedAddress("10.0.0.1", { allowLoopback: true })).toBe("private");
    expect(refusedAddress("169.254.169.254", { allowLoopback: true })).toBe("linkLocal");
  });
});

describe("outboundUrlProblem (input time)", () => {
  it.each([
    "http://hooks.example.com/x",
    "https://127.0.0.1/x",
    "https://[::1]/x",
    "https://10.1.2.3/x",
    "https://169.254.169.254/latest/meta-data/",
    "https://[::ffff:10.0.0.1]/x",
    "https://0x7f000001/x",
    "https://2130706433/x",
    "https://localhost/x",
    "https://metadata.google.internal/x",
    "https://printer.local/x",
    "https://intranet/x",
    "https://user:pass@example.com/x",
    "ftp://example.com/x",
  ])("refuses %s in production", (url) => {
    expect(outboundUrlProblem(url, strict)).toEqual(expect.any(String));
  });

  it("accepts a public https URL", () => {
    expect(outboundUrlProblem("https://hooks.example.com/keepcard", strict)).toBeNull();
  });
});

describe("excerpt", () => {
  it("keeps a short printable excerpt of an answer", () => {
    const answer = `<html>\u0000\u001b[31m${"x".repeat(5000)}`;
    const short = excerpt(answer);
    expect(short.length).toBeLessThanOrEqual(101);
    expect(short).not.toMatch(/[\u0000-\u001f]/);
  });
});
