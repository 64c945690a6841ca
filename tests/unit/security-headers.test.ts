import { NextRequest } from "next/server";
import { describe, expect, it } from "vitest";
import { securityHeaders } from "@/lib/security/headers";
import { proxy } from "@/proxy";

const prod = { nonce: "bm9uY2U=", production: true, https: true };

function directive(csp: string, name: string) {
  return csp.split("; ").find((d) => d.startsWith(`${name} `));
}

describe("security headers", () => {
  it("gives every page a CSP with the request's nonce and no inline scripts", () => {
    const h = securityHeaders({ ...prod, pathname: "/dashboard" });
    const script = directive(h["content-security-policy"]!, "script-src")!;
    expect(script).toContain("'nonce-bm9uY2U='");
    expect(script).not.toContain("unsafe-inline");
    expect(script).not.toContain("unsafe-eval");
    expect(directive(h["content-security-policy"]!, "object-src")).toBe("object-src 'none'");
    expect(directive(h["content-security-policy"]!, "frame-ancestors")).toBe("frame-ancestors 'none'");
    expect(h["x-frame-options"]).toBe("DENY");
  });

  it("lets only the card page be framed", () => {
    const card = securityHeaders({ ...prod, pathname: "/c/tok_abc" });
    expect(directive(card["content-security-policy"]!, "frame-ancestors")).not.toContain("'none'");
    expect(card["x-frame-options"]).toBeUndefined();
    for (const pathname of ["/c/tok_abc/google", "/sign-in", "/staff", "/join/prg_1"]) {
      expect(directive(securityHeaders({ ...prod, pathname })["content-security-policy"]!, "frame-ancestors")).toBe("frame-ancestors 'none'");
    }
  });

  it("lets only the card page's forms lead to Stripe's onboarding; every other page's forms stay on our origin", () => {
    const origins = ["https://connect.stripe.com"];
    expect(directive(securityHeaders({ ...prod, pathname: "/c/tok_abc", cardFormOrigins: origins })["content-security-policy"]!, "form-action")).toBe("form-action 'self' https://connect.stripe.com");
    for (const pathname of ["/dashboard/payouts", "/join/prg_1", "/c/tok_abc/google"]) {
      expect(directive(securityHeaders({ ...prod, pathname, cardFormOrigins: origins })["content-security-policy"]!, "form-action")).toBe("form-action 'self'");
    }
  });

  it("sends HSTS in production on https only", () => {
    expect(securityHeaders({ ...prod, pathname: "/" })["strict-transport-security"]).toMatch(/max-age=\d{8}/);
    expect(securityHeaders({ ...prod, production: false, pathname: "/" })["strict-transport-security"]).toBeUndefined();
  });

  it("allows the camera on /staff only", () => {
    expect(securityHeaders({ ...prod, pathname: "/staff" })["permissions-policy"]).toContain("camera=(self)");
    expect(securityHeaders({ ...prod, pathname: "/dashboard" })["permissions-policy"]).toContain("camera=()");
    expect(securityHeaders({ ...prod, pathname: "/c/tok" })["permissions-policy"]).toContain("camera=()");
  });

  it("proxy sets the headers on the response and the nonce on the request, fresh each time", () => {
    const a = proxy(new NextRequest("http://localhost:3000/sign-in"));
    const b = proxy(new NextRequest("http://localhost:3000/sign-in"));
    for (const res of [a, b]) {
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
      expect(res.headers.get("content-security-policy")).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]{24}'/);
      // Next reads the CSP from the overridden request headers to nonce its own scripts.
      expect(res.headers.get("x-middleware-request-content-security-policy")).toBe(res.headers.get("content-security-policy"));
    }
    expect(a.headers.get("content-security-policy")).not.toBe(b.headers.get("content-security-policy"));
  });
});
