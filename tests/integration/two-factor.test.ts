/**
 * Two-factor sign-in through the real session module and action wrappers: only Auth.js itself and
 * Next's request objects are replaced (the session cookie is whatever `browser.token` says).
 */
import { and, eq } from "drizzle-orm";
import { NextRequest } from "next/server";
import { afterEach, describe, expect, it, vi } from "vitest";
import { auditLog, authenticators, merchants, recoveryCodes, sessions, userTotp, users } from "@/db/schema";
import type { Db } from "@/db/client";
import { isEncrypted } from "@/lib/crypto/secrets";
import { env } from "@/lib/env";
import { hashRecoveryCode, totpCode } from "@/lib/auth/totp";
import { passkeyPassed } from "@/lib/auth/sessions";
import { randomString } from "@/lib/ids";
import { resetRateLimiter } from "@/lib/rate-limit";
import { changeRole } from "@/lib/team/verbs";
import { makeMerchant, makeUser, type TestMerchant } from "../support/fixtures";

const browser = vi.hoisted(() => ({ token: null as string | null, userAgent: "Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0 Safari/537.36" }));

vi.mock("next/cache", () => ({ revalidatePath: () => {}, revalidateTag: () => {}, updateTag: () => {} }));
vi.mock("next/headers", () => ({
  cookies: async () => ({
    get: (name: string) => (name === "authjs.session-token" && browser.token ? { name, value: browser.token } : undefined),
    set: () => {},
    delete: () => {},
  }),
  headers: async () => new Headers({ "user-agent": browser.userAgent }),
}));
// Auth.js only says "there is a session"; Keepcard's own lookup of the token decides the rest.
vi.mock("@/auth", () => ({
  auth: async () => (browser.token ? { user: { id: "from-auth-js" } } : null),
  signIn: async () => null,
  signOut: async () => null,
  googleEnabled: false,
  handlers: { GET: async () => new Response("auth.js"), POST: async () => new Response("auth.js") },
  authConfig: {},
}));

const { createLocationAction } = await import("@/app/dashboard/locations/actions");
const { switchMerchant } = await import("@/app/dashboard/account-actions");
const { requireTwoFactorAction } = await import("@/app/dashboard/team/actions");
const security = await import("@/app/account/security/actions");
const { verifySecondFactorAction } = await import("@/app/sign-in/two-factor/actions");
const { requirePage, currentMember } = await import("@/app/_server/session");
const authRoute = await import("@/app/api/auth/[...nextauth]/route");
const live = await import("@/app/api/live/route");

afterEach(() => {
  browser.token = null;
});

/** A new session for the user, like Auth.js makes after the email link: its second factor not passed yet. */
async function newSession(db: Db, userId: string): Promise<string> {
  const token = randomString(40);
  await db.insert(sessions).values({ sessionToken: token, userId, expires: new Date(Date.now() + 86_400_000) });
  return token;
}

/** Where a page guard sends the request (Next's redirect() throws with the target in its digest). */
async function redirectOf(fn: () => Promise<unknown>): Promise<string | null> {
  try {
    await fn();
    return null;
  } catch (error) {
    const digest = (error as { digest?: string }).digest ?? "";
    if (!digest.startsWith("NEXT_REDIRECT")) throw error;
    return digest.split(";")[2] ?? null;
  }
}

/** Enrols TOTP through the security page's actions on a fresh session; returns the secret and codes. */
async function enrolTotp(m: TestMerchant, userId: string) {
  browser.token = await newSession(m.db, userId);
  const started = await security.startTotpAction({});
  if (!started.ok) throw new Error(started.error);
  expect(started.data.uri).toMatch(/^otpauth:\/\/totp\/Keepcard:/);
  expect(started.data.qr).toMatch(/^data:image\/png;base64,/);
  const confirmed = await security.confirmTotpAction({ code: totpCode(started.data.secret, new Date(Date.now() - 30_000)) });
  if (!confirmed.ok) throw new Error(confirmed.error);
  return { secret: started.data.secret, recoveryCodes: confirmed.data.recoveryCodes, enrolSession: browser.token };
}

const location = { name: "Front", latitude: "", longitude: "" };

describe("TOTP enrolment", () => {
  it("keeps the secret encrypted and the recovery codes hashed, and a wrong first code enables nothing", async () => {
    const m = await makeMerchant();
    const owner = await makeUser(m, "owner");
    browser.token = await newSession(m.db, owner.id);
    const started = await security.startTotpAction({});
    if (!started.ok) throw new Error(started.error);
    const wrong = String((Number(totpCode(started.data.secret)) + 500_000) % 1_000_000).padStart(6, "0");
    expect(await security.confirmTotpAction({ code: wrong })).toMatchObject({ ok: false, code: "invalid" });
    // Not on yet: this session is not pending and the dashboard still works.
    expect(await createLocationAction(location)).toMatchObject({ ok: true });

    const confirmed = await security.confirmTotpAction({ code: totpCode(started.data.secret) });
    if (!confirmed.ok) throw new Error(confirmed.error);
    expect(confirmed.data.recoveryCodes).toHaveLength(10);
    const [row] = await m.db.select().from(userTotp).where(eq(userTotp.userId, owner.id));
    expect(isEncrypted(row!.secret)).toBe(true);
    expect(row!.secret).not.toContain(started.data.secret);
    const stored = await m.db.select().from(recoveryCodes).where(eq(recoveryCodes.userId, owner.id));
    expect(stored.map((r) => r.codeHash).sort()).toEqual(confirmed.data.recoveryCodes.map(hashRecoveryCode).sort());
    // The session that enrolled has passed its second factor: no lock-out mid-enrolment.
    expect(await createLocationAction(location)).toMatchObject({ ok: true });
    const [entry] = await m.db.select().from(auditLog).where(and(eq(auditLog.merchantId, m.merchantId), eq(auditLog.action, "two_factor.totp_enabled")));
    expect(entry).toMatchObject({ actorId: owner.id, targetId: owner.id });
    // A second enrolment is refused while one is on.
    expect(await security.startTotpAction({})).toMatchObject({ ok: false, code: "conflict" });
  });
});

describe("a sign-in waiting for its second factor", () => {
  it("is refused by every page guard, member action, user action and account action until the code is entered", async () => {
    const m = await makeMerchant();
    const owner = await makeUser(m, "owner");
    const { secret } = await enrolTotp(m, owner.id);
    browser.token = await newSession(m.db, owner.id);

    expect(await currentMember()).toMatchObject({ user: null, member: null, pending: true });
    expect(await redirectOf(() => requirePage("/dashboard/team"))).toBe("/sign-in/two-factor?callbackUrl=%2Fdashboard%2Fteam");
    expect(await redirectOf(() => requirePage("/staff"))).toBe("/sign-in/two-factor?callbackUrl=%2Fstaff");
    expect(await createLocationAction(location)).toMatchObject({ ok: false, code: "unauthorized" });
    expect(await switchMerchant({ merchantId: m.merchantId })).toMatchObject({ ok: false, code: "unauthorized" });
    expect(await security.revokeOtherSessionsAction({})).toMatchObject({ ok: false, code: "unauthorized" });
    expect(await security.startTotpAction({})).toMatchObject({ ok: false, code: "unauthorized" });
    expect((await live.GET(new Request("http://localhost/api/live"))).status).toBe(401);

    expect(await verifySecondFactorAction({ code: "000000", callbackUrl: "/dashboard/team" })).toMatchObject({ ok: false, code: "invalid" });
    const code = totpCode(secret);
    expect(await verifySecondFactorAction({ code, callbackUrl: "https://evil.example/x" })).toMatchObject({ ok: true, data: { method: "totp", redirectTo: "/dashboard" } });
    expect(await createLocationAction(location)).toMatchObject({ ok: true });
    expect(await redirectOf(() => requirePage("/dashboard/team"))).toBeNull();
    // The second step is for pending sign-ins only.
    expect(await verifySecondFactorAction({ code })).toMatchObject({ ok: false, code: "conflict" });

    // Replay: the same code on another new sign-in is refused, even within its 30 seconds.
    browser.token = await newSession(m.db, owner.id);
    expect(await verifySecondFactorAction({ code })).toMatchObject({ ok: false, code: "invalid" });
    expect(await createLocationAction(location)).toMatchObject({ ok: false, code: "unauthorized" });
    const [failed] = await m.db.select().from(auditLog).where(and(eq(auditLog.merchantId, m.merchantId), eq(auditLog.action, "two_factor.failed")));
    expect(failed).toBeTruthy();
  });

  it("takes each recovery code once, and the audit log says so", async () => {
    const m = await makeMerchant();
    const owner = await makeUser(m, "owner");
    const { recoveryCodes: codes } = await enrolTotp(m, owner.id);
    browser.token = await newSession(m.db, owner.id);
    expect(await verifySecondFactorAction({ code: codes[0]!.toUpperCase() })).toMatchObject({ ok: true, data: { method: "recovery" } });
    browser.token = await newSession(m.db, owner.id);
    expect(await verifySecondFactorAction({ code: codes[0]! })).toMatchObject({ ok: false, code: "invalid" });
    const used = await m.db.select().from(auditLog).where(and(eq(auditLog.merchantId, m.merchantId), eq(auditLog.action, "two_factor.recovery_code_used")));
    expect(used).toHaveLength(1);
  });

  it("is rate limited: after ten wrong codes even the right one waits", async () => {
    const m = await makeMerchant();
    const owner = await makeUser(m, "owner");
    const { secret } = await enrolTotp(m, owner.id);
    const saved = env.RATE_LIMIT_DISABLED;
    env.RATE_LIMIT_DISABLED = false;
    resetRateLimiter();
    try {
      browser.token = await newSession(m.db, owner.id);
      // (The enrolment above ran with limits off, so it counted nothing.)
      for (let i = 0; i < 10; i++) expect(await verifySecondFactorAction({ code: "000000" }), `attempt ${i}`).toMatchObject({ ok: false, code: "invalid" });
      expect(await verifySecondFactorAction({ code: totpCode(secret) })).toMatchObject({ ok: false, code: "rate_limited" });
      expect(await createLocationAction(location)).toMatchObject({ ok: false, code: "unauthorized" });
    } finally {
      env.RATE_LIMIT_DISABLED = saved;
      resetRateLimiter();
    }
  });

  it("removing the app needs a current code, and then sign-ins are no longer pending", async () => {
    const m = await makeMerchant();
    const owner = await makeUser(m, "owner");
    const { recoveryCodes: codes } = await enrolTotp(m, owner.id);
    expect(await security.removeTotpAction({ code: "123456" })).toMatchObject({ ok: false, code: "invalid" });
    expect(await security.removeTotpAction({ code: codes[1]! })).toMatchObject({ ok: true });
    expect(await m.db.select().from(recoveryCodes).where(eq(recoveryCodes.userId, owner.id))).toEqual([]);
    browser.token = await newSession(m.db, owner.id);
    expect(await createLocationAction(location)).toMatchObject({ ok: true });
    const removed = await m.db.select().from(auditLog).where(and(eq(auditLog.merchantId, m.merchantId), eq(auditLog.action, "two_factor.totp_removed")));
    expect(removed).toHaveLength(1);
  });
});

describe("the team requirement", () => {
  it("an owner with a second factor requires it; members without one are sent to enrol, then let in", async () => {
    const m = await makeMerchant();
    const owner = await makeUser(m, "owner");
    const cashier = await makeUser(m, "staff");
    const admin = await makeUser(m, "admin");

    browser.token = await newSession(m.db, owner.id);
    expect(await requireTwoFactorAction({ required: true })).toMatchObject({ ok: false, code: "conflict" });
    await enrolTotp(m, owner.id);
    expect(await requireTwoFactorAction({ required: true })).toMatchObject({ ok: true });
    expect((await m.db.select().from(merchants).where(eq(merchants.id, m.merchantId)))[0]!.requireTwoFactor).toBe(true);

    browser.token = await newSession(m.db, admin.id);
    expect(await requireTwoFactorAction({ required: false })).toMatchObject({ ok: false }); // owners only
    expect(await createLocationAction(location)).toMatchObject({ ok: false, code: "forbidden" });
    expect(await redirectOf(() => requirePage("/dashboard/locations"))).toBe("/account/security?required=1");
    browser.token = await newSession(m.db, cashier.id);
    expect(await redirectOf(() => requirePage("/staff"))).toBe("/account/security?required=1");

    await enrolTotp(m, admin.id);
    expect(await createLocationAction(location)).toMatchObject({ ok: true });
    expect(await redirectOf(() => requirePage("/dashboard/locations"))).toBeNull();
    const entries = await m.db.select().from(auditLog).where(and(eq(auditLog.merchantId, m.merchantId), eq(auditLog.action, "team.two_factor_required")));
    expect(entries).toHaveLength(1);
  });
});

describe("active sessions", () => {
  it("lists the user's devices and signs one or all others out, never another user's", async () => {
    const m = await makeMerchant();
    const owner = await makeUser(m, "owner");
    const other = await makeUser(m, "admin");
    const phone = await newSession(m.db, owner.id);
    const laptop = await newSession(m.db, owner.id);
    const tablet = await newSession(m.db, owner.id);
    const theirs = await newSession(m.db, other.id);

    const { listSessions, sessionIdOf } = await import("@/lib/auth/sessions");
    browser.token = laptop;
    expect(await currentMember()).toMatchObject({ member: { role: "owner" } }); // records this device
    const list = await listSessions({ db: m.db, userId: owner.id }, { currentSessionToken: laptop });
    expect(list).toHaveLength(3);
    expect(list.find((s) => s.current)).toMatchObject({ id: sessionIdOf(laptop), userAgent: browser.userAgent });
    expect(JSON.stringify(list)).not.toContain(phone); // ids, never tokens

    expect(await security.revokeSessionAction({ sessionId: sessionIdOf(theirs) })).toMatchObject({ ok: false, code: "not_found" });
    expect(await security.revokeSessionAction({ sessionId: sessionIdOf(phone) })).toMatchObject({ ok: true });
    expect(await m.db.select().from(sessions).where(eq(sessions.sessionToken, phone))).toEqual([]);
    expect(await security.revokeOtherSessionsAction({})).toMatchObject({ ok: true, data: { ended: 1 } });
    const left = await m.db.select({ token: sessions.sessionToken }).from(sessions).where(eq(sessions.userId, owner.id));
    expect(left.map((s) => s.token)).toEqual([laptop]);
    expect(await m.db.select().from(sessions).where(eq(sessions.sessionToken, theirs))).toHaveLength(1);

    // The revoked device is signed out on its next request.
    browser.token = tablet;
    expect(await createLocationAction(location)).toMatchObject({ ok: false, code: "unauthorized" });
    const audited = await m.db.select().from(auditLog).where(and(eq(auditLog.merchantId, m.merchantId), eq(auditLog.actorId, owner.id)));
    expect(audited.map((a) => a.action)).toEqual(expect.arrayContaining(["user.session_revoked", "user.sessions_revoked"]));
  });
});

describe("passkeys through Auth.js", () => {
  const options = (query: string) => authRoute.GET(new NextRequest(`http://localhost:3000/api/auth/webauthn-options/passkey?${query}`));

  it("registration needs a sign-in past its second factor; an email never goes to the options endpoint", async () => {
    const m = await makeMerchant();
    const owner = await makeUser(m, "owner");
    expect((await options("action=register")).status).toBe(401); // Auth.js alone would create an account for any address
    expect((await options("action=register&email=victim%40example.test")).status).toBe(400);
    expect((await options("email=victim%40example.test")).status).toBe(400);
    expect((await options("")).status).toBe(400);
    expect(await (await options("action=authenticate")).text()).toBe("auth.js");

    await enrolTotp(m, owner.id);
    expect(await (await options("action=register")).text()).toBe("auth.js");
    browser.token = await newSession(m.db, owner.id); // pending
    expect((await options("action=register")).status).toBe(403);
    const post = await authRoute.POST(
      new NextRequest("http://localhost:3000/api/auth/callback/passkey", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ action: "register", data: "{}" }),
      }),
    );
    expect(post.status).toBe(403);
  });

  it("a passkey Auth.js accepted passes the session's second factor; a user without one gains nothing", async () => {
    const m = await makeMerchant();
    const owner = await makeUser(m, "owner");
    const token = await newSession(m.db, owner.id);
    expect(await passkeyPassed(m.db, token)).toBe(false);
    await m.db.insert(authenticators).values({
      credentialID: randomString(20),
      userId: owner.id,
      providerAccountId: randomString(20),
      credentialPublicKey: "pk",
      counter: 0,
      credentialDeviceType: "singleDevice",
      credentialBackedUp: false,
    });
    browser.token = token;
    expect(await currentMember()).toMatchObject({ pending: true });
    expect(await passkeyPassed(m.db, token)).toBe(true);
    expect((await m.db.select().from(sessions).where(eq(sessions.sessionToken, token)))[0]).toMatchObject({ secondFactorMethod: "passkey" });
    expect(await createLocationAction(location)).toMatchObject({ ok: true });
  });
});

describe("the audit log", () => {
  it("records sign-ins and role changes", async () => {
    const m = await makeMerchant();
    const owner = await makeUser(m, "owner");
    const marketer = await makeUser(m, "marketer");
    const { authConfig } = await vi.importActual<typeof import("@/auth")>("@/auth");
    const [user] = await m.db.select().from(users).where(eq(users.id, marketer.id));
    await authConfig.events.signIn({ user: user!, account: { provider: "email", type: "email", providerAccountId: user!.email! } });
    await changeRole({ ...m.ctx, actor: owner }, { userId: marketer.id, role: "admin" });
    const entries = await m.db.select().from(auditLog).where(eq(auditLog.merchantId, m.merchantId));
    expect(entries.find((e) => e.action === "user.signed_in")).toMatchObject({ actorId: marketer.id, details: { method: "email" } });
    expect(entries.find((e) => e.action === "team.role_changed")).toMatchObject({ actorId: owner.id, targetId: marketer.id, details: { from: "marketer", to: "admin" } });
  });
});
