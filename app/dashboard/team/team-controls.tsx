"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { Alert, Button, Field, Input, Select } from "@/components/ui";
import { useAction } from "@/components/use-action";
import { changeRoleAction, inviteMemberAction, removeMemberAction, revokeInvitationAction } from "./actions";

const ROLES = [
  ["owner", "Owner"],
  ["admin", "Admin"],
  ["marketer", "Marketer"],
  ["staff", "Staff (scanner only)"],
  ["partner", "Partner (read-only reports)"],
] as const;
type Role = (typeof ROLES)[number][0];

export function InviteForm({ canGrantOwner, compact }: { canGrantOwner: boolean; compact?: boolean }) {
  const router = useRouter();
  const { run, pending, error, fieldErrors } = useAction(inviteMemberAction);
  const [sent, setSent] = useState<string | null>(null);
  return (
    <form
      className={compact ? "space-y-3" : "grid gap-3 sm:grid-cols-[1fr_14rem_auto] sm:items-end"}
      noValidate
      onSubmit={async (e) => {
        e.preventDefault();
        const form = e.currentTarget;
        const d = new FormData(form);
        const r = await run({ email: String(d.get("email") ?? ""), role: String(d.get("role")) as Role });
        if (r.ok) {
          setSent(r.data.email);
          form.reset();
          router.refresh();
        } else setSent(null);
      }}
    >
      <Field label="Email" htmlFor="invite-email" error={fieldErrors.email}>
        <Input id="invite-email" name="email" type="email" placeholder="sam@yourshop.com" aria-invalid={Boolean(fieldErrors.email)} />
      </Field>
      <Field label="Role" htmlFor="invite-role">
        <Select id="invite-role" name="role" defaultValue="staff">
          {ROLES.filter(([r]) => canGrantOwner || r !== "owner").map(([r, label]) => (
            <option key={r} value={r}>
              {label}
            </option>
          ))}
        </Select>
      </Field>
      <Button type="submit" disabled={pending}>
        {pending ? "Sending…" : "Send invitation"}
      </Button>
      <div className="sm:col-span-3" aria-live="polite">
        {error && !fieldErrors.email ? <Alert>{error}</Alert> : null}
        {sent ? <Alert tone="success">Invitation sent to {sent}. They join as soon as they sign in with that address.</Alert> : null}
      </div>
    </form>
  );
}

export function MemberRow({ userId, role, isSelf, canGrantOwner, label }: { userId: string; role: Role; isSelf: boolean; canGrantOwner: boolean; label: string }) {
  const router = useRouter();
  const change = useAction(changeRoleAction);
  const remove = useAction(removeMemberAction);
  return (
    <div className="flex flex-col items-end gap-1">
      <div className="flex items-center gap-2">
        <label htmlFor={`role-${userId}`} className="sr-only">
          Role of {label}
        </label>
        <Select
          id={`role-${userId}`}
          className="w-auto"
          value={role}
          disabled={isSelf || change.pending || (role === "owner" && !canGrantOwner)}
          onChange={async (e) => {
            const r = await change.run({ userId, role: e.target.value as Role });
            if (r.ok) router.refresh();
          }}
        >
          {ROLES.filter(([r]) => canGrantOwner || r !== "owner" || role === "owner").map(([r, l]) => (
            <option key={r} value={r}>
              {l}
            </option>
          ))}
        </Select>
        {!isSelf ? (
          <Button
            variant="ghost"
            disabled={remove.pending}
            onClick={async () => {
              if (!window.confirm(`Remove ${label} from the team? They are signed out at once.`)) return;
              const r = await remove.run({ userId });
              if (r.ok) router.refresh();
            }}
          >
            Remove
          </Button>
        ) : null}
      </div>
      {change.error || remove.error ? <Alert>{change.error ?? remove.error}</Alert> : null}
    </div>
  );
}

export function RevokeInvitation({ invitationId }: { invitationId: string }) {
  const router = useRouter();
  const { run, pending, error } = useAction(revokeInvitationAction);
  return (
    <>
      <Button
        variant="ghost"
        disabled={pending}
        onClick={async () => {
          const r = await run({ invitationId });
          if (r.ok) router.refresh();
        }}
      >
        Cancel invitation
      </Button>
      {error ? <Alert>{error}</Alert> : null}
    </>
  );
}
