import { describe, expect, it } from "vitest";
import { ipFrom, proxiedIp } from "@/app/_server/client-ip";

describe("client IP", () => {
  it("takes the first X-Forwarded-For entry: the address the proxy saw", () => {
    expect(ipFrom(new Headers({ "x-forwarded-for": " 203.0.113.7 , 10.0.0.2", "x-real-ip": "10.0.0.9" }))).toBe("203.0.113.7");
  });

  it("falls back to X-Real-IP, then to one shared key for requests without a proxy", () => {
    expect(ipFrom(new Headers({ "x-real-ip": "198.51.100.4" }))).toBe("198.51.100.4");
    expect(ipFrom(new Headers())).toBe("local");
    expect(proxiedIp(new Headers())).toBeNull();
    expect(proxiedIp(new Headers({ "x-forwarded-for": "" }))).toBeNull();
  });
});
