import { createHash } from "node:crypto";
import { and, asc, desc, eq, gt, isNull, ne, sql } from "drizzle-orm";
import { z } from "zod";
import type { Executor } from "../../db/client";
import { invitations, memberships, merchants, roleEnum, sessions, users, type Role } from "../../db/schema";
import { audit } from "../audit/log";
import { assertCan } from "../auth/permissions";
import { twoFactorStatus } from "../auth/two-factor";
import { now, withTransaction, type Ctx } from "../context";
import { sendEmail } from "../email";
import { invitationEmail } from "../email/templates/invitation";
import { env } from "../env";
import { AppError, notFound } from "../errors";
import { EntityId, newId, randomString } from "../ids";

const INVITE_TTL_DAYS = 7;
const DAY = 86_400_000;

export const RoleInput = z.enum(roleEnum.enumValues, { message: "choose a role" });

export const InviteInput = z
  .object({
    email: z.email("an email address such as sam@example.com").max(254).toLowerCase(),
    role: RoleInput,
  })
  .strict();
export type InviteInput = z.infer<typeof InviteInput>;

export const ChangeRoleInput = z.object({ userId: EntityId, role: RoleInput }).strict();
export const RemoveMemberInput = z.object({ userId: EntityId }).strict();
export const RevokeInvitationInput = z.object({ invitationId: EntityId }).strict();

export const ROLE_LABELS: Record<Role, { name: string; description: string }> = {
  owner: { name: "Owner", description: "Everything, including billing and other owners." },
  admin: { name: "Admin", description: "Programs, rewards, members, team, API keys and settings." },
  marketer: { name: "Marketer", description: "Campaigns, members and reports." },
  staff: { name: "Staff", description: "Only the scanner: award points and stamps, redeem vouchers." },
  partner: { name: "Partner", description: "Read-only reports, and the redemptions of their partner rewards." },
};

export type TeamMember = { userId: string; email: string | null; name: string | null; role: Role; since: Date; twoFactor: boolean };

export async function listTeam(ctx: Ctx): Promise<{ members: TeamMember[]; invitations: (typeof invitations.$inferSelect)[] }> {
  assertCan(ctx.actor, "team:manage");
  const rows = await ctx.db
    .select({ userId: users.id, email: users.email, name: users.name, role: memberships.role, since: memberships.createdAt })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.merchantId, ctx.merchantId))
    .orderBy(asc(memberships.createdAt));
  const withTwoFactor = await Promise.all(rows.map(async (m) => ({ ...m, twoFactor: (await twoFactorStatus(ctx.db, m.userId)).enabled })));
  const pending = await ctx.db
    .select()
    .from(invitations)
    .where(and(eq(invitations.merchantId, ctx.merchantId), isNull(invitations.acceptedAt), gt(invitations.expiresAt, now(ctx))))
    .orderBy(desc(invitations.createdAt));
  return { members: withTwoFactor, invitations: pending };
}

/** Only an owner may hand out or take away the owner role. */
function assertMayGrant(ctx: Ctx, role: Role) {
  if (role === "owner" && !(ctx.actor.type === "system" || (ctx.actor.type === "user" && ctx.actor.role === "owner"))) {
    throw new AppError("forbidden", "Only an owner can make someone an owner.");
  }
}

function hashInviteToken(token: string) {
  return createHash("sha256").update(token).digest("hex");
}

/** Invites someone by email. They join when they sign in with that address (magic link or Google). */
export async function inviteMember(ctx: Ctx, raw: z.input<typeof InviteInput>): Promise<{ invitationId: string; link: string }> {
  assertCan(ctx.actor, "team:manage");
  const input = InviteInput.parse(raw);
  assertMayGrant(ctx, input.role);
  return withTransaction(ctx, async (tx) => {
    const [existing] = await tx.db
      .select({ id: memberships.id })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(and(eq(memberships.merchantId, ctx.merchantId), eq(users.email, input.email)));
    if (existing) throw new AppError("conflict", `${input.email} is already on the team.`, { errors: [{ path: "email", message: "already on the team" }] });

    const [merchant] = await tx.db.select({ name: merchants.name }).from(merchants).where(eq(merchants.id, ctx.merchantId));
    if (!merchant) throw notFound("Business");
    const token = randomString(32);
    const id = newId("inv");
    await tx.db.insert(invitations).values({
      id,
      merchantId: ctx.merchantId,
      email: input.email,
      role: input.role,
      tokenHash: hashInviteToken(token),
      invitedBy: ctx.actor.id,
      expiresAt: new Date(now(ctx).getTime() + INVITE_TTL_DAYS * DAY),
    });
    const link = `${env.APP_URL.replace(/\/$/, "")}/sign-in?invite=${token}&email=${encodeURIComponent(input.email)}`;
    const role = ROLE_LABELS[input.role].name.toLowerCase();
    await sendEmail(tx.db, {
      to: input.email,
      ...invitationEmail({ merchantName: merchant.name, role, email: input.email, link, validDays: INVITE_TTL_DAYS }),
      kind: "invitation",
      merchantId: ctx.merchantId,
      secretLinks: [link],
    });
    await audit(tx.db, ctx.merchantId, ctx.actor, "team.invited", { type: "invitation", id }, { email: input.email, role: input.role });
    return { invitationId: id, link };
  });
}

export async function revokeInvitation(ctx: Ctx, raw: z.input<typeof RevokeInvitationInput>): Promise<void> {
  assertCan(ctx.actor, "team:manage");
  const { invitationId } = RevokeInvitationInput.parse(raw);
  await withTransaction(ctx, async (tx) => {
    const [gone] = await tx.db
      .delete(invitations)
      .where(and(eq(invitations.id, invitationId), eq(invitations.merchantId, ctx.merchantId), isNull(invitations.acceptedAt)))
      .returning({ email: invitations.email });
    if (!gone) throw notFound("Invitation");
    await audit(tx.db, ctx.merchantId, ctx.actor, "team.invitation_revoked", { type: "invitation", id: invitationId }, { email: gone.email });
  });
}

/** A verified sign-in with `email` accepts every open invitation to that address. */
export async function acceptInvitations(db: Executor, user: { id: string; email: string | null | undefined }, at = new Date()): Promise<number> {
  if (!user.email) return 0;
  const email = user.email.toLowerCase();
  const open = await db
    .select()
    .from(invitations)
    .where(and(eq(invitations.email, email), isNull(invitations.acceptedAt), gt(invitations.expiresAt, at)));
  let accepted = 0;
  for (const invite of open) {
    const inserted = await db
      .insert(memberships)
      .values({ id: newId("mem"), merchantId: invite.merchantId, userId: user.id, role: invite.role })
      .onConflictDoNothing()
      .returning({ id: memberships.id });
    await db.update(invitations).set({ acceptedAt: at }).where(eq(invitations.id, invite.id));
    if (inserted.length > 0) {
      accepted++;
      await audit(db, invite.merchantId, { type: "user", id: user.id, role: invite.role }, "team.joined", { type: "user", id: user.id }, { email, role: invite.role });
    }
  }
  return accepted;
}

export async function findInvitation(db: Executor, token: string, at = new Date()) {
  const [row] = await db
    .select({ email: invitations.email, role: invitations.role, merchantName: merchants.name, expiresAt: invitations.expiresAt, acceptedAt: invitations.acceptedAt })
    .from(invitations)
    .innerJoin(merchants, eq(merchants.id, invitations.merchantId))
    .where(eq(invitations.tokenHash, hashInviteToken(token)));
  if (!row || row.acceptedAt || row.expiresAt <= at) return null;
  return row;
}

async function membershipFor(ctx: Ctx, userId: string) {
  const [row] = await ctx.db
    .select()
    .from(memberships)
    .where(and(eq(memberships.merchantId, ctx.merchantId), eq(memberships.userId, userId)));
  if (!row) throw notFound("Team member");
  return row;
}

async function otherOwners(ctx: Ctx, userId: string): Promise<number> {
  const [row] = await ctx.db
    .select({ n: sql<number>`count(*)::int` })
    .from(memberships)
    .where(and(eq(memberships.merchantId, ctx.merchantId), eq(memberships.role, "owner"), ne(memberships.userId, userId)));
  return Number(row?.n ?? 0);
}

export async function changeRole(ctx: Ctx, raw: z.input<typeof ChangeRoleInput>): Promise<void> {
  assertCan(ctx.actor, "team:manage");
  const input = ChangeRoleInput.parse(raw);
  await withTransaction(ctx, async (tx) => {
    const member = await membershipFor(tx, input.userId);
    if (member.role === input.role) return;
    assertMayGrant(tx, input.role);
    if (member.role === "owner") {
      assertMayGrant(tx, "owner");
      if ((await otherOwners(tx, input.userId)) === 0) throw new AppError("conflict", "A business needs at least one owner. Make someone else owner first.");
    }
    await tx.db.update(memberships).set({ role: input.role }).where(eq(memberships.id, member.id));
    await audit(tx.db, ctx.merchantId, ctx.actor, "team.role_changed", { type: "user", id: input.userId }, { from: member.role, to: input.role });
  });
}

/** Removes someone from the team and signs them out everywhere, at once. */
export async function removeMember(ctx: Ctx, raw: z.input<typeof RemoveMemberInput>): Promise<void> {
  assertCan(ctx.actor, "team:manage");
  const input = RemoveMemberInput.parse(raw);
  await withTransaction(ctx, async (tx) => {
    const member = await membershipFor(tx, input.userId);
    if (member.role === "owner") {
      assertMayGrant(tx, "owner");
      if ((await otherOwners(tx, input.userId)) === 0) throw new AppError("conflict", "You are the only owner; a business needs one.");
    }
    await tx.db.delete(memberships).where(eq(memberships.id, member.id));
    const ended = await tx.db.delete(sessions).where(eq(sessions.userId, input.userId)).returning({ t: sessions.sessionToken });
    await audit(tx.db, ctx.merchantId, ctx.actor, "team.removed", { type: "user", id: input.userId }, { role: member.role, sessionsEnded: ended.length });
  });
}

export const TeamTwoFactorInput = z.object({ required: z.boolean() }).strict();

/**
 * An owner requires (or stops requiring) two-factor sign-in of every member: members without a
 * second factor are sent to set one up before they can use the dashboard or the scanner.
 */
export async function setTeamTwoFactor(ctx: Ctx, raw: z.input<typeof TeamTwoFactorInput>): Promise<{ required: boolean }> {
  assertCan(ctx.actor, "security:manage");
  const input = TeamTwoFactorInput.parse(raw);
  return withTransaction(ctx, async (tx) => {
    if (input.required && ctx.actor.type === "user" && !(await twoFactorStatus(tx.db, ctx.actor.id)).enabled) {
      throw new AppError("conflict", "Set up two-factor sign-in for yourself first (an authenticator app or a passkey).");
    }
    await tx.db.update(merchants).set({ requireTwoFactor: input.required, updatedAt: now(ctx) }).where(eq(merchants.id, ctx.merchantId));
    await audit(tx.db, ctx.merchantId, ctx.actor, input.required ? "team.two_factor_required" : "team.two_factor_optional", { type: "merchant", id: ctx.merchantId });
    return { required: input.required };
  });
}
