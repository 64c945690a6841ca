import { createActionURL } from "@auth/core";
import { desc, eq } from "drizzle-orm";
import { NextRequest } from "next/server";
import { beforeAll, describe, expect, it } from "vitest";
import { authConfig, handlers } from "@/auth";
import { dbReady } from "@/db/client";
import { emails } from "@/db/schema";
import { appOrigin, env } from "@/lib/env";

const ATTACKER = "attacker.example";

/** A request as Next hands it to the route when a proxy passes the attacker's Host through. */
function attackerRequest(path: string, init: { method?: string; body?: string; cookie?: string } = {}) {
  const headers = new Headers({ host: ATTACKER, "x-forwarded-host": ATTACKER, "x-forwarded-proto": "http" });
  if (init.body) headers.set("content-type", "application/x-www-form-urlencoded");
  if (init.cookie) headers.set("cookie", init.cookie);
  return new NextRequest(`http://${ATTACKER}${path}`, { method: init.method ?? "GET", headers, body: init.body });
}

describe("one public origin", () => {
  beforeAll(() => {
    // The dev outbox keeps the link (elsewhere it is never stored), so the test can read where it points.
    env.DEV_OUTBOX = true;
  });

  it("emails a sign-in link on APP_URL even when the request says X-Forwarded-Host: attacker.example", async () => {
    const csrf = await handlers.GET(attackerRequest("/api/auth/csrf"));
    const { csrfToken } = (await csrf.json()) as { csrfToken: string };
    const cookie = csrf.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
    const email = `owner-${Date.now()}@example.test`;

    const res = await handlers.POST(
      attackerRequest("/api/auth/signin/email", { method: "POST", cookie, body: new URLSearchParams({ email, csrfToken, callbackUrl: "/dashboard" }).toString() }),
    );
    expect(res.status).toBeLessThan(400);
    // Auth.js answers with a redirect to its check-your-email page; it must be on APP_URL too.
    expect(res.headers.get("location") ?? "").not.toContain(ATTACKER);

    const db = await dbReady();
    const [sent] = await db.select().from(emails).where(eq(emails.to, email)).orderBy(desc(emails.createdAt));
    expect(sent).toBeDefined();
    expect(sent!.text).not.toContain(ATTACKER);
    expect(sent!.html).not.toContain(ATTACKER);
    const link = /https?:\/\/\S+\/api\/auth\/callback\/email\?\S+/.exec(sent!.text)?.[0] ?? null;
    expect(link).not.toBeNull();
    expect(link!.startsWith(`${appOrigin}/api/auth/callback/email?`)).toBe(true);
  });

  it("builds the server action's sign-in URL on APP_URL whatever X-Forwarded-Host says", () => {
    // next-auth's signIn() server action builds its request URL this way from the incoming headers.
    const url = createActionURL("signin", "https", new Headers({ "x-forwarded-host": ATTACKER, host: ATTACKER }), process.env, { basePath: "/api/auth" });
    expect(url.origin).toBe(appOrigin);
  });

  it("never redirects to another origin after sign-in", async () => {
    const redirect = authConfig.callbacks.redirect;
    for (const url of ["https://evil.example/x", "//evil.example", "/\\evil.example", `http://${ATTACKER}/dashboard`]) {
      expect(new URL(await redirect({ url, baseUrl: `http://${ATTACKER}` })).origin).toBe(appOrigin);
    }
    expect(await redirect({ url: "/dashboard/members?q=a", baseUrl: appOrigin })).toBe(`${appOrigin}/dashboard/members?q=a`);
  });
});
