import { createHash } from "node:crypto";
import { and, desc, eq, gt, ne } from "drizzle-orm";
import type { Executor } from "../../db/client";
import { sessions, users } from "../../db/schema";
import { AppError } from "../errors";
import { auditAccount } from "./account-audit";
import type { SessionUser } from "./members";
import { markSecondFactor, twoFactorStatus, type AccountCtx, type TwoFactorStatus } from "./two-factor";

/**
 * Dashboard sign-ins (Auth.js database sessions) as Keepcard sees them: whether one still waits
 * for its second factor, and the list of a user's devices they can sign out of.
 */

export type SignIn = {
  user: SessionUser;
  sessionToken: string;
  /** A stable id for the session that is not its token (the token is a credential; this one is shown in pages). */
  sessionId: string;
  /** The user has a second factor and this session has not passed it yet. */
  pending: boolean;
  twoFactor: TwoFactorStatus;
};

/** The public id of a session: a hash of its token, so pages and forms never carry the token itself. */
export function sessionIdOf(sessionToken: string): string {
  return createHash("sha256").update(sessionToken).digest("base64url").slice(0, 22);
}

const TOUCH_EVERY_MS = 60_000;

/**
 * The sign-in behind a session token, or null when it is unknown or expired. Records the device
 * (user agent, shown on the security page only) and when it was last seen, at most once a minute.
 */
export async function resolveSignIn(db: Executor, input: { sessionToken: string; userAgent?: string | null; at?: Date }): Promise<SignIn | null> {
  const when = input.at ?? new Date();
  const [row] = await db
    .select({ session: sessions, user: { id: users.id, email: users.email, name: users.name } })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.sessionToken, input.sessionToken), gt(sessions.expires, when)));
  if (!row) return null;
  const userAgent = input.userAgent ? input.userAgent.slice(0, 300) : null;
  if ((userAgent && !row.session.userAgent) || when.getTime() - row.session.lastSeenAt.getTime() > TOUCH_EVERY_MS) {
    await db
      .update(sessions)
      .set({ lastSeenAt: when, ...(userAgent && !row.session.userAgent ? { userAgent } : {}) })
      .where(eq(sessions.sessionToken, input.sessionToken));
  }
  const twoFactor = await twoFactorStatus(db, row.user.id);
  return {
    user: row.user,
    sessionToken: input.sessionToken,
    sessionId: sessionIdOf(input.sessionToken),
    pending: twoFactor.enabled && !row.session.secondFactorAt,
    twoFactor,
  };
}

export type ActiveSession = { id: string; userAgent: string | null; createdAt: Date; lastSeenAt: Date; current: boolean; secondFactor: string | null };

/** The user's sessions that have not expired, most recently seen first. */
export async function listSessions(ctx: AccountCtx, input: { currentSessionToken: string }): Promise<ActiveSession[]> {
  const rows = await ctx.db
    .select()
    .from(sessions)
    .where(and(eq(sessions.userId, ctx.userId), gt(sessions.expires, ctx.now?.() ?? new Date())))
    .orderBy(desc(sessions.lastSeenAt));
  return rows.map((s) => ({
    id: sessionIdOf(s.sessionToken),
    userAgent: s.userAgent,
    createdAt: s.createdAt,
    lastSeenAt: s.lastSeenAt,
    current: s.sessionToken === input.currentSessionToken,
    secondFactor: s.secondFactorMethod,
  }));
}

/** Signs one of the user's own sessions out (by its public id). */
export async function revokeSession(ctx: AccountCtx, input: { sessionId: string }): Promise<void> {
  const rows = await ctx.db.select({ token: sessions.sessionToken }).from(sessions).where(eq(sessions.userId, ctx.userId));
  const match = rows.find((r) => sessionIdOf(r.token) === input.sessionId);
  if (!match) throw new AppError("not_found", "That session has already ended.");
  await ctx.db.delete(sessions).where(and(eq(sessions.userId, ctx.userId), eq(sessions.sessionToken, match.token)));
  await auditAccount(ctx.db, ctx.userId, "user.session_revoked", { sessionId: input.sessionId });
}

/** Signs the user out everywhere but here. Returns how many sessions ended. */
export async function revokeOtherSessions(ctx: AccountCtx, input: { currentSessionToken: string }): Promise<number> {
  const gone = await ctx.db
    .delete(sessions)
    .where(and(eq(sessions.userId, ctx.userId), ne(sessions.sessionToken, input.currentSessionToken)))
    .returning({ token: sessions.sessionToken });
  await auditAccount(ctx.db, ctx.userId, "user.sessions_revoked", { count: gone.length });
  return gone.length;
}

/**
 * After Auth.js accepted a passkey (a sign-in, or a passkey added by a signed-in user) on this
 * session: a passkey is possession plus the device's own check (user verification is required),
 * so the session counts as past its second factor.
 */
export async function passkeyPassed(db: Executor, sessionToken: string, when = new Date()): Promise<boolean> {
  const [row] = await db.select({ userId: sessions.userId }).from(sessions).where(and(eq(sessions.sessionToken, sessionToken), gt(sessions.expires, when)));
  if (!row || (await twoFactorStatus(db, row.userId)).passkeys === 0) return false;
  await markSecondFactor(db, sessionToken, row.userId, "passkey", when);
  await auditAccount(db, row.userId, "user.second_factor_passed", { method: "passkey" });
  return true;
}
