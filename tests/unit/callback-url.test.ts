import { describe, expect, it } from "vitest";
import { safeCallbackPath } from "@/lib/auth/callback-url";
import { appOrigin } from "@/lib/env";

describe("safeCallbackPath", () => {
  it.each([
    "/\\evil.example",
    "\\\\evil.example",
    "//evil.example",
    "///evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    " //evil.example",
    "https://evil.example/dashboard",
    "javascript:alert(1)",
    "evil.example",
    "/dash\u0000board",
    `${appOrigin}.evil.example/x`,
    "",
    undefined,
    42,
  ])("refuses %j", (value) => {
    expect(safeCallbackPath(value)).toBe("/dashboard");
  });

  it.each(["/%5Cevil.example", "/%5C%5Cevil.example", "/%2F%2Fevil.example", "/%2fevil.example", "%2F%2Fevil.example", "/%09/evil.example", "/.%2F%2Fevil.example", "/%E2%80%AEevil.example"])(
    "an encoded variant %j stays on this site",
    (value) => {
      const path = safeCallbackPath(value);
      expect(path.startsWith("/")).toBe(true);
      expect(path.startsWith("//")).toBe(false);
      expect(path).not.toContain("\\");
      // However a browser or Next resolves it (once decoded or not), the origin is ours.
      expect(new URL(path, appOrigin).origin).toBe(appOrigin);
      expect(new URL(decodeURIComponent(path), appOrigin).origin).toBe(appOrigin);
    },
  );

  it("keeps a path on this site, with its query and fragment", () => {
    expect(safeCallbackPath("/dashboard/members?q=ann#top")).toBe("/dashboard/members?q=ann#top");
    expect(safeCallbackPath("/onboarding")).toBe("/onboarding");
    expect(safeCallbackPath(`${appOrigin}/staff`)).toBe("/staff");
    expect(safeCallbackPath("/dashboard/members?q=ann%20lee")).toBe("/dashboard/members?q=ann%20lee");
  });
});
