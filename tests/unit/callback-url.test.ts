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

  it("keeps a path on this site, with its query and fragment", () => {
    expect(safeCallbackPath("/dashboard/members?q=ann#top")).toBe("/dashboard/members?q=ann#top");
    expect(safeCallbackPath("/onboarding")).toBe("/onboarding");
    expect(safeCallbackPath(`${appOrigin}/staff`)).toBe("/staff");
  });
});
