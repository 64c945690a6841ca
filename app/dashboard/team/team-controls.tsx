"use client";

import { useState } from "react";
import { ActionButton, FormMessages, SubmitButton } from "@/components/form";
import { Alert, Field, Input, Select } from "@/components/ui";
import { useAction, useFormAction } from "@/components/use-action";
import { changeRoleAction, inviteMemberAction, requireTwoFactorAction } from "./actions";

const ROLES = [
  ["owner", "Owner"],
  ["admin", "Admin"],
  ["marketer", "Marketer"],
  ["staff", "Staff (scanner only)"],
  ["partner", "Partner (reports, their rewards' redemptions)"],
] as const;
type Role = (typeof ROLES)[number][0];

/** The roles one may hand out: the owner role only by an owner (or where it is already held). */
const roleOptions = (withOwner: boolean) => ROLES.filter(([r]) => withOwner || r !== "owner").map(([value, label]) => ({ value, label }));

export function InviteForm({ canGrantOwner, compact }: { canGrantOwner: boolean; compact?: boolean }) {
  const [sent, setSent] = useState<string | null>(null);
  const { onSubmit, pending, error, fieldErrors } = useFormAction(inviteMemberAction, {
    input: (d) => ({ email: String(d.get("email") ?? ""), role: String(d.get("role")) as Role }),
    onSuccess: (invited) => setSent(invited.email),
    onFailure: () => setSent(null),
  });
  return (
    <form className={compact ? "space-y-3" : "grid gap-3 sm:grid-cols-[1fr_14rem_auto] sm:items-end"} noValidate onSubmit={onSubmit}>
      <Field label="Email" htmlFor="invite-email" error={fieldErrors.email}>
        <Input id="invite-email" name="email" type="email" placeholder="sam@yourshop.com" aria-invalid={Boolean(fieldErrors.email)} />
      </Field>
      <Field label="Role" htmlFor="invite-role">
        <Select id="invite-role" name="role" defaultValue="staff" options={roleOptions(canGrantOwner)} />
      </Field>
      <SubmitButton pending={pending} pendingLabel="Sending…">
        Send invitation
      </SubmitButton>
      <FormMessages
        className="sm:col-span-3"
        error={error && !fieldErrors.email ? error : null}
        success={sent ? `Invitation sent to ${sent}. They join as soon as they sign in with that address.` : null}
      />
    </form>
  );
}

/** A member's role, changed as soon as another is picked. Nobody changes their own role. */
export function RoleSelect({ userId, role, isSelf, canGrantOwner, label }: { userId: string; role: Role; isSelf: boolean; canGrantOwner: boolean; label: string }) {
  const change = useAction(changeRoleAction, { refresh: true });
  return (
    <>
      <label htmlFor={`role-${userId}`} className="sr-only">
        Role of {label}
      </label>
      <Select
        id={`role-${userId}`}
        className="max-w-64"
        value={role}
        disabled={isSelf || change.pending || (role === "owner" && !canGrantOwner)}
        onChange={(e) => change.run({ userId, role: e.target.value as Role })}
        options={roleOptions(canGrantOwner || role === "owner")}
      />
      {change.error ? <Alert>{change.error}</Alert> : null}
    </>
  );
}

/** The owner's switch: require two-factor sign-in of the whole team, or not. */
export function TeamTwoFactor({ required, canChange }: { required: boolean; canChange: boolean }) {
  return (
    <div className="flex flex-wrap items-center gap-3">
      <p className="text-sm text-gray-800" data-testid="team-two-factor">
        {required ? "Required for every member." : "Not required: each member chooses."}
      </p>
      {canChange ? (
        <ActionButton
          action={requireTwoFactorAction}
          input={{ required: !required }}
          variant="secondary"
          confirm={required ? undefined : "Require two-factor sign-in? Members without it are asked to set it up before they can continue."}
        >
          {required ? "Stop requiring it" : "Require two-factor sign-in"}
        </ActionButton>
      ) : (
        <p className="text-sm text-gray-600">Only an owner can change this.</p>
      )}
    </div>
  );
}
