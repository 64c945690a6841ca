import { expect, test } from "@playwright/test";

test("pages carry a nonce CSP that Next's own scripts satisfy, and the security headers", async ({ page }) => {
  const violations: string[] = [];
  page.on("console", (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(m.text());
  });
  const res = await page.goto("/sign-in");
  const headers = res!.headers();
  const nonce = /'nonce-([^']+)'/.exec(headers["content-security-policy"] ?? "")?.[1];
  expect(nonce).toBeTruthy();
  expect(headers["content-security-policy"]).toContain("frame-ancestors 'none'");
  expect(headers["x-content-type-options"]).toBe("nosniff");
  expect(headers["referrer-policy"]).toBe("strict-origin-when-cross-origin");
  expect(headers["permissions-policy"]).toContain("camera=()");
  // Every script Next rendered carries this request's nonce, and the page hydrates (the form works).
  const html = await res!.text();
  for (const tag of html.match(/<script\b[^>]*>/g) ?? []) expect(tag).toContain(`nonce="${nonce}"`);
  await expect(page.getByRole("button", { name: "Email me a sign-in link" })).toBeEnabled();
  expect(violations).toEqual([]);
});

test("API answers carry fixed headers of a data response, from the router, and Auth.js's routes keep the page headers", async ({ request }) => {
  // An unauthenticated API call (401), a 404 under /api and the Apple web service: none render a document.
  for (const res of [await request.get("/api/v1/programs"), await request.get("/api/v1/no-such-route"), await request.post("/api/wallet/apple/v1/log", { data: { logs: [] } })]) {
    const headers = res.headers();
    expect(headers["content-security-policy"]).toBe("default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
    expect(headers["x-content-type-options"]).toBe("nosniff");
    expect(headers["x-frame-options"]).toBe("DENY");
  }
  // Auth.js's routes still go through the proxy: a nonce CSP, as its pages may render.
  const csrf = await request.get("/api/auth/csrf");
  expect(csrf.headers()["content-security-policy"]).toMatch(/'nonce-[^']+'/);
});

test("the bench reference route does not exist in a production build, even with BENCH_ROUTES at run time", async ({ request }) => {
  const res = await request.post("/api/bench/reference?card=crd_x");
  expect(res.status()).toBe(404);
});

test("per-IP limits count the socket address: rotating X-Forwarded-For (or forging the peer header) gets no fresh bucket", async ({ request }) => {
  // RATE_LIMIT_PUBLIC_PER_MINUTE is 60 here; the Apple log endpoint is limited per client IP.
  const statuses: number[] = [];
  for (let i = 0; i < 61; i++) {
    const res = await request.post("/api/wallet/apple/v1/log", {
      headers: { "x-forwarded-for": `203.0.113.${i}`, "x-real-ip": `198.51.100.${i}`, "x-keepcard-peer": `192.0.2.${i}` },
      data: { logs: [`line ${i}`] },
    });
    statuses.push(res.status());
  }
  expect(statuses.slice(0, 10).every((s) => s === 200)).toBe(true);
  expect(statuses.at(-1)).toBe(429);
});
