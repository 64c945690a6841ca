import type { Metadata } from "next";
import { Badge, Card, PageHeader, formatDate } from "@/components/ui";
import { ROLE_LABELS, listTeam } from "@/lib/team/verbs";
import { requirePage } from "../../_server/session";
import { InviteForm, MemberRow, RevokeInvitation } from "./team-controls";

export const metadata: Metadata = { title: "Team" };

export default async function TeamPage() {
  const member = await requirePage("/dashboard/team");
  const team = await listTeam(member.ctx);
  const canGrantOwner = member.role === "owner";
  return (
    <>
      <PageHeader title="Team" description="Who can use Keepcard for your business, and what they can do." />
      <div className="space-y-6">
        <Card>
          <h2 className="mb-3 font-semibold">Invite someone</h2>
          <InviteForm canGrantOwner={canGrantOwner} />
        </Card>
        <Card>
          <h2 className="mb-3 font-semibold">Members</h2>
          <ul className="divide-y divide-gray-100">
            {team.members.map((m) => (
              <li key={m.userId} className="flex flex-wrap items-center justify-between gap-3 py-3">
                <div>
                  <p className="font-medium">
                    {m.name ?? m.email} {m.userId === member.user.id ? <Badge tone="blue">you</Badge> : null}
                  </p>
                  <p className="text-sm text-gray-600">
                    {m.email} · {ROLE_LABELS[m.role].description}
                  </p>
                </div>
                <MemberRow userId={m.userId} role={m.role} isSelf={m.userId === member.user.id} canGrantOwner={canGrantOwner} label={m.email ?? m.userId} />
              </li>
            ))}
          </ul>
        </Card>
        {team.invitations.length > 0 ? (
          <Card>
            <h2 className="mb-3 font-semibold">Waiting to accept</h2>
            <ul className="divide-y divide-gray-100">
              {team.invitations.map((i) => (
                <li key={i.id} className="flex flex-wrap items-center justify-between gap-3 py-3 text-sm">
                  <span>
                    <strong>{i.email}</strong> as {ROLE_LABELS[i.role].name.toLowerCase()} · expires {formatDate(i.expiresAt)}
                  </span>
                  <RevokeInvitation invitationId={i.id} />
                </li>
              ))}
            </ul>
          </Card>
        ) : null}
      </div>
    </>
  );
}
