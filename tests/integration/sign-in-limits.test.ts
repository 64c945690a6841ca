import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

// The global setup turns rate limits off for other files; this one loads the app with them on.
const saved = { ...process.env };

afterAll(async () => {
  process.env = saved;
  (await import("@/lib/rate-limit")).resetRateLimiter();
});

type App = {
  limits: typeof import("@/lib/auth/sign-in-limits");
  auth: typeof import("@/auth");
  db: Awaited<ReturnType<typeof import("@/db/client").dbReady>>;
  schema: typeof import("@/db/schema");
  orm: typeof import("drizzle-orm");
  next: typeof import("next/server");
};

describe("sign-in links for one address", () => {
  let app: App;
  beforeAll(async () => {
    delete process.env.RATE_LIMIT_DISABLED;
    vi.resetModules();
    (await import("@/lib/rate-limit")).resetRateLimiter();
    app = {
      limits: await import("@/lib/auth/sign-in-limits"),
      auth: await import("@/auth"),
      db: await (await import("@/db/client")).dbReady(),
      schema: await import("@/db/schema"),
      orm: await import("drizzle-orm"),
      next: await import("next/server"),
    };
  });

  /** What the sign-in form does for one link: its own check, then Auth.js sends the email. */
  async function askThroughTheForm(email: string): Promise<void> {
    await app.limits.limitSignInForm(email, "198.51.100.7");
    const csrf = await app.auth.handlers.GET(new app.next.NextRequest("http://localhost:3000/api/auth/csrf"));
    const { csrfToken } = (await csrf.json()) as { csrfToken: string };
    const cookie = csrf.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
    const res = await app.auth.handlers.POST(
      new app.next.NextRequest("http://localhost:3000/api/auth/signin/email", {
        method: "POST",
        headers: { cookie, "content-type": "application/x-www-form-urlencoded", "x-forwarded-for": "198.51.100.7" },
        body: new URLSearchParams({ email, csrfToken, callbackUrl: "/dashboard" }).toString(),
      }),
    );
    expect(res.headers.get("location") ?? "", "Auth.js sent the link").not.toContain("error=");
  }

  async function sentTo(email: string): Promise<number> {
    const rows = await app.db.select({ id: app.schema.emails.id }).from(app.schema.emails).where(app.orm.eq(app.schema.emails.to, email));
    return rows.length;
  }

  it("go out five times in ten minutes through the form (one link counts once), and the sixth is refused with a friendly reason", async () => {
    const email = `limits-${Date.now()}@example.test`;
    for (let i = 0; i < 5; i++) await askThroughTheForm(email);
    expect(await sentTo(email)).toBe(5);
    await expect(app.limits.limitSignInForm(email, "198.51.100.7")).rejects.toMatchObject({ code: "rate_limited", message: expect.stringMatching(/check your inbox/) });
  });

  it("are limited for direct POSTs to Auth.js too", async () => {
    const email = `direct-${Date.now()}@example.test`;
    for (let i = 0; i < 5; i++) await app.limits.limitMagicLinkSend(email, null);
    await expect(app.limits.limitMagicLinkSend(email, null)).rejects.toMatchObject({ code: "rate_limited" });
  });
});
