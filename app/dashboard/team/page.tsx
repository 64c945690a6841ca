import type { Metadata } from "next";
import { DateCell } from "@/components/cells";
import { DataTable, type Column } from "@/components/data-table";
import { ActionButton } from "@/components/form";
import { Badge, CardSection, PageHeader } from "@/components/ui";
import { merchantOf } from "@/lib/merchants/verbs";
import { ROLE_LABELS, listTeam, type TeamMember } from "@/lib/team/verbs";
import { requirePage } from "../../_server/session";
import { removeMemberAction, revokeInvitationAction } from "./actions";
import { InviteForm, RoleSelect, TeamTwoFactor } from "./team-controls";

export const metadata: Metadata = { title: "Team" };

type Invitation = Awaited<ReturnType<typeof listTeam>>["invitations"][number];

const memberColumns = ({ tz, selfId, canGrantOwner }: { tz: string; selfId: string; canGrantOwner: boolean }): Column<TeamMember>[] => [
  {
    id: "member",
    header: "Member",
    cell: (m) => (
      <>
        <p className="font-medium">
          {m.name ?? m.email} {m.userId === selfId ? <Badge tone="blue">you</Badge> : null}
        </p>
        {m.name ? <p className="text-gray-600">{m.email}</p> : null}
      </>
    ),
    sort: (m) => m.name ?? m.email,
  },
  {
    id: "role",
    header: "Role",
    cell: (m) => (
      <>
        <RoleSelect userId={m.userId} role={m.role} isSelf={m.userId === selfId} canGrantOwner={canGrantOwner} label={m.email ?? m.userId} />
        <p className="mt-1 text-xs text-gray-600">{ROLE_LABELS[m.role].description}</p>
      </>
    ),
    sort: (m) => ROLE_LABELS[m.role].name,
    className: "min-w-[14rem]",
  },
  {
    id: "twoFactor",
    header: "Two-factor",
    cell: (m) => (m.twoFactor ? <Badge tone="green">on</Badge> : <Badge tone="gray">off</Badge>),
    sort: (m) => (m.twoFactor ? 0 : 1),
  },
  { id: "since", header: "Member since", cell: (m) => <DateCell value={m.since} timeZone={tz} />, sort: (m) => m.since },
  {
    id: "actions",
    header: "Actions",
    hideHeader: true,
    cell: (m) =>
      m.userId === selfId ? null : (
        <ActionButton action={removeMemberAction} input={{ userId: m.userId }} confirm={`Remove ${m.email ?? m.userId} from the team? They are signed out at once.`} aria-label={`Remove ${m.email ?? m.userId}`}>
          Remove
        </ActionButton>
      ),
    className: "text-right",
  },
];

const invitationColumns = (tz: string): Column<Invitation>[] => [
  { id: "email", header: "Email", cell: (i) => <span className="font-medium">{i.email}</span>, sort: (i) => i.email },
  { id: "role", header: "Role", cell: (i) => ROLE_LABELS[i.role].name, sort: (i) => ROLE_LABELS[i.role].name },
  { id: "expires", header: "Expires", cell: (i) => <DateCell value={i.expiresAt} timeZone={tz} />, sort: (i) => i.expiresAt },
  {
    id: "actions",
    header: "Actions",
    hideHeader: true,
    cell: (i) => (
      <ActionButton action={revokeInvitationAction} input={{ invitationId: i.id }} aria-label={`Cancel the invitation of ${i.email}`}>
        Cancel invitation
      </ActionButton>
    ),
    className: "text-right",
  },
];

export default async function TeamPage() {
  const member = await requirePage("/dashboard/team");
  const [team, merchant] = await Promise.all([listTeam(member.ctx), merchantOf(member.ctx)]);
  const tz = merchant.timezone;
  const canGrantOwner = member.role === "owner";
  return (
    <>
      <PageHeader title="Team" description="Who can use Keepcard for your business, and what they can do." />
      <div className="space-y-6">
        <CardSection id="invite" title="Invite someone">
          <InviteForm canGrantOwner={canGrantOwner} />
        </CardSection>
        <CardSection
          id="two-factor"
          title="Two-factor sign-in"
          description="When required, every member needs an authenticator app or a passkey; anyone without one is asked to set it up before using Keepcard."
        >
          <TeamTwoFactor required={merchant.requireTwoFactor} canChange={member.role === "owner"} />
        </CardSection>
        <CardSection id="members" title="Members">
          <DataTable
            caption="Team members and their roles"
            columns={memberColumns({ tz, selfId: member.user.id, canGrantOwner })}
            rows={team.members}
            rowKey={(m) => m.userId}
            empty={null}
            inset
          />
        </CardSection>
        {team.invitations.length > 0 ? (
          <CardSection id="invitations" title="Waiting to accept">
            <DataTable caption="Invitations waiting to be accepted" columns={invitationColumns(tz)} rows={team.invitations} rowKey={(i) => i.id} empty={null} inset />
          </CardSection>
        ) : null}
      </div>
    </>
  );
}
