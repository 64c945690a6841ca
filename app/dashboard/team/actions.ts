"use server";

import { revalidatePath } from "next/cache";
import { ChangeRoleInput, InviteInput, RemoveMemberInput, RevokeInvitationInput, TeamTwoFactorInput, changeRole, inviteMember, removeMember, revokeInvitation, setTeamTwoFactor } from "@/lib/team/verbs";
import { AppError } from "@/lib/errors";
import { memberAction } from "../../_server/action";

export const inviteMemberAction = memberAction("team.invite", { input: InviteInput, permission: "team:manage" }, async ({ ctx, input }) => {
  const { invitationId } = await inviteMember(ctx, input);
  revalidatePath("/dashboard/team");
  return { invitationId, email: input.email };
});

export const changeRoleAction = memberAction("team.changeRole", { input: ChangeRoleInput, permission: "team:manage" }, async ({ ctx, input, member }) => {
  if (input.userId === member.user.id) throw new AppError("conflict", "You cannot change your own role. Ask another owner.");
  await changeRole(ctx, input);
  revalidatePath("/dashboard/team");
  return { userId: input.userId, role: input.role };
});

export const removeMemberAction = memberAction("team.remove", { input: RemoveMemberInput, permission: "team:manage" }, async ({ ctx, input, member }) => {
  if (input.userId === member.user.id) throw new AppError("conflict", "You cannot remove yourself. Ask another owner.");
  await removeMember(ctx, input);
  revalidatePath("/dashboard/team");
  return { userId: input.userId };
});

export const revokeInvitationAction = memberAction("team.revokeInvitation", { input: RevokeInvitationInput, permission: "team:manage" }, async ({ ctx, input }) => {
  await revokeInvitation(ctx, input);
  revalidatePath("/dashboard/team");
  return { invitationId: input.invitationId };
});

export const requireTwoFactorAction = memberAction("team.requireTwoFactor", { input: TeamTwoFactorInput, permission: "security:manage" }, async ({ ctx, input }) => {
  const result = await setTeamTwoFactor(ctx, input);
  revalidatePath("/dashboard/team");
  return result;
});
