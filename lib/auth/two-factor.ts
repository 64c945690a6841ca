import { and, count, eq, gt, isNull, lt, or } from "drizzle-orm";
import { z } from "zod";
import type { Executor } from "../../db/client";
import { authenticators, recoveryCodes, sessions, userTotp, users } from "../../db/schema";
import { decryptSecret, encryptSecret } from "../crypto/secrets";
import { AppError } from "../errors";
import { newId } from "../ids";
import { enforceRateLimit } from "../rate-limit";
import { auditAccount } from "./account-audit";
import { hashRecoveryCode, looksLikeRecoveryCode, matchTotp, newRecoveryCodes, newTotpSecret, otpauthUri } from "./totp";

/**
 * Second factors of a dashboard user: an authenticator app (TOTP) with recovery codes, and passkeys
 * (the `authenticators` table, written by Auth.js). A sign-in is "pending" while its user has a
 * second factor and the session has not passed it (sessions.second_factor_at is null).
 */

/** Who is changing their own account: the user and, when the change needs it, their session. */
export type AccountCtx = { db: Executor; userId: string; now?: () => Date };

const at = (ctx: AccountCtx) => (ctx.now ? ctx.now() : new Date());

export type TwoFactorStatus = { totp: boolean; passkeys: number; recoveryCodesLeft: number; enabled: boolean };

export async function twoFactorStatus(db: Executor, userId: string): Promise<TwoFactorStatus> {
  const [[totp], [passkeys], [left]] = await Promise.all([
    db.select({ confirmedAt: userTotp.confirmedAt }).from(userTotp).where(eq(userTotp.userId, userId)),
    db.select({ n: count() }).from(authenticators).where(eq(authenticators.userId, userId)),
    db.select({ n: count() }).from(recoveryCodes).where(and(eq(recoveryCodes.userId, userId), isNull(recoveryCodes.usedAt))),
  ]);
  const hasTotp = Boolean(totp?.confirmedAt);
  const n = Number(passkeys?.n ?? 0);
  return { totp: hasTotp, passkeys: n, recoveryCodesLeft: Number(left?.n ?? 0), enabled: hasTotp || n > 0 };
}

export const TotpCode = z.string().trim().regex(/^\d{3}\s?\d{3}$/, "Enter the 6-digit code from your authenticator app.");
/** What the second-factor form accepts: a 6-digit code or a recovery code. */
export const SecondFactorCode = z.string().trim().min(6, "Enter a code.").max(20, "That code is too long.");

/** Starts (or restarts) enrolment: a new secret, not used until a code from it is confirmed. */
export async function startTotpEnrolment(ctx: AccountCtx, issuer: string): Promise<{ secret: string; uri: string }> {
  const [user] = await ctx.db.select({ email: users.email }).from(users).where(eq(users.id, ctx.userId));
  if (!user) throw new AppError("not_found", "That account does not exist.");
  const [existing] = await ctx.db.select({ confirmedAt: userTotp.confirmedAt }).from(userTotp).where(eq(userTotp.userId, ctx.userId));
  if (existing?.confirmedAt) throw new AppError("conflict", "An authenticator app is already set up. Remove it first to use another.");
  const secret = newTotpSecret();
  await ctx.db
    .insert(userTotp)
    .values({ userId: ctx.userId, secret: encryptSecret(secret) })
    .onConflictDoUpdate({ target: userTotp.userId, set: { secret: encryptSecret(secret), lastStep: null, createdAt: at(ctx) } });
  return { secret, uri: otpauthUri(secret, user.email ?? ctx.userId, issuer) };
}

/**
 * Confirms enrolment with a code from the app: TOTP is on, ten recovery codes are made (returned
 * once, stored hashed), and the session that confirmed counts as having passed its second factor.
 */
export async function confirmTotpEnrolment(ctx: AccountCtx, input: { code: string; sessionToken: string }): Promise<{ recoveryCodes: string[] }> {
  const code = TotpCode.parse(input.code);
  await enforceRateLimit("twoFactor", `user:${ctx.userId}`);
  const [row] = await ctx.db.select().from(userTotp).where(eq(userTotp.userId, ctx.userId));
  if (!row) throw new AppError("conflict", "Start again: scan a new QR code.");
  if (row.confirmedAt) throw new AppError("conflict", "An authenticator app is already set up.");
  const step = matchTotp(decryptSecret(row.secret), code, at(ctx), row.lastStep);
  if (step === null) throw new AppError("invalid", "That code is not right. Check the time on your phone and try the current code.", { errors: [{ path: "code", message: "That code is not right." }] });
  const [confirmed] = await ctx.db
    .update(userTotp)
    .set({ confirmedAt: at(ctx), lastStep: step })
    .where(and(eq(userTotp.userId, ctx.userId), isNull(userTotp.confirmedAt)))
    .returning({ userId: userTotp.userId });
  if (!confirmed) throw new AppError("conflict", "An authenticator app is already set up.");
  const codes = await replaceRecoveryCodes(ctx);
  await markSecondFactor(ctx.db, input.sessionToken, ctx.userId, "totp", at(ctx));
  await auditAccount(ctx.db, ctx.userId, "two_factor.totp_enabled");
  return { recoveryCodes: codes };
}

/** Turns the authenticator app off; needs a current code from it (or a recovery code). */
export async function removeTotp(ctx: AccountCtx, input: { code: string }): Promise<void> {
  const code = SecondFactorCode.parse(input.code);
  await enforceRateLimit("twoFactor", `user:${ctx.userId}`);
  if (!(await checkCode(ctx, code))) throw new AppError("invalid", "That code is not right.", { errors: [{ path: "code", message: "That code is not right." }] });
  await ctx.db.delete(userTotp).where(eq(userTotp.userId, ctx.userId));
  const status = await twoFactorStatus(ctx.db, ctx.userId);
  // Recovery codes back up the app; with no second factor left they have nothing to recover.
  if (!status.enabled) await ctx.db.delete(recoveryCodes).where(eq(recoveryCodes.userId, ctx.userId));
  await auditAccount(ctx.db, ctx.userId, "two_factor.totp_removed");
}

/** Ten new recovery codes; the old ones stop working. */
export async function regenerateRecoveryCodes(ctx: AccountCtx): Promise<{ recoveryCodes: string[] }> {
  if (!(await twoFactorStatus(ctx.db, ctx.userId)).enabled) throw new AppError("conflict", "Set up an authenticator app or a passkey first.");
  const codes = await replaceRecoveryCodes(ctx);
  await auditAccount(ctx.db, ctx.userId, "two_factor.recovery_codes_regenerated");
  return { recoveryCodes: codes };
}

async function replaceRecoveryCodes(ctx: AccountCtx): Promise<string[]> {
  const codes = newRecoveryCodes();
  await ctx.db.delete(recoveryCodes).where(eq(recoveryCodes.userId, ctx.userId));
  await ctx.db.insert(recoveryCodes).values(codes.map((c) => ({ id: newId("rec"), userId: ctx.userId, codeHash: hashRecoveryCode(c) })));
  return codes;
}

/**
 * Checks a TOTP code (each time step once: the update only wins when the step is newer than the
 * last one used, so two requests with one code cannot both pass) or a recovery code (used once).
 */
async function checkCode(ctx: AccountCtx, code: string): Promise<"totp" | "recovery" | null> {
  const typed = code.replace(/\s/g, "");
  if (/^\d{6}$/.test(typed)) {
    const [row] = await ctx.db.select().from(userTotp).where(eq(userTotp.userId, ctx.userId));
    if (!row?.confirmedAt) return null;
    const step = matchTotp(decryptSecret(row.secret), typed, at(ctx), row.lastStep);
    if (step === null) return null;
    const [won] = await ctx.db
      .update(userTotp)
      .set({ lastStep: step })
      .where(and(eq(userTotp.userId, ctx.userId), or(isNull(userTotp.lastStep), lt(userTotp.lastStep, step))))
      .returning({ userId: userTotp.userId });
    return won ? "totp" : null;
  }
  if (!looksLikeRecoveryCode(code)) return null;
  const [used] = await ctx.db
    .update(recoveryCodes)
    .set({ usedAt: at(ctx) })
    .where(and(eq(recoveryCodes.userId, ctx.userId), eq(recoveryCodes.codeHash, hashRecoveryCode(code)), isNull(recoveryCodes.usedAt)))
    .returning({ id: recoveryCodes.id });
  if (!used) return null;
  await auditAccount(ctx.db, ctx.userId, "two_factor.recovery_code_used");
  return "recovery";
}

/**
 * The second step of a sign-in: a code from the app or a recovery code. On success the session is
 * no longer pending. Attempts are rate limited per user and per session.
 */
export async function verifySecondFactor(ctx: AccountCtx, input: { sessionToken: string; code: string }): Promise<{ method: "totp" | "recovery" }> {
  const code = SecondFactorCode.parse(input.code);
  await enforceRateLimit("twoFactor", `user:${ctx.userId}`);
  const method = await checkCode(ctx, code);
  if (!method) {
    await auditAccount(ctx.db, ctx.userId, "two_factor.failed");
    throw new AppError("invalid", "That code is not right, or it was used already. Enter the current code from your app, or a recovery code.", {
      errors: [{ path: "code", message: "That code is not right." }],
    });
  }
  await markSecondFactor(ctx.db, input.sessionToken, ctx.userId, method, at(ctx));
  await auditAccount(ctx.db, ctx.userId, "user.second_factor_passed", { method });
  return { method };
}

/** Marks a session (of this user, still valid) as past its second factor. */
export async function markSecondFactor(db: Executor, sessionToken: string, userId: string, method: string, when = new Date()): Promise<void> {
  await db
    .update(sessions)
    .set({ secondFactorAt: when, secondFactorMethod: method })
    .where(and(eq(sessions.sessionToken, sessionToken), eq(sessions.userId, userId), gt(sessions.expires, when)));
}

