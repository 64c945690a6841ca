import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { Alert, Badge, PageHeader } from "@/components/ui";
import { can } from "@/lib/auth/permissions";
import { isAppError } from "@/lib/errors";
import { listLocations } from "@/lib/locations/verbs";
import { merchantOf } from "@/lib/merchants/verbs";
import { getProgram } from "@/lib/programs/verbs";
import { listPartners } from "@/lib/rewards/partner";
import { listRewards } from "@/lib/rewards/verbs";
import { requirePage } from "../../../_server/session";
import { RewardsManager } from "../../rewards/rewards-manager";
import { programOption, rewardRow } from "../../rewards/rows";
import { ProgramEditor, type ProgramDraft } from "../program-editor";
import { StatusControls } from "./status-controls";

export const metadata: Metadata = { title: "Program" };

export default async function ProgramPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | undefined>> }) {
  const member = await requirePage("/dashboard/programs/[id]");
  const { id } = await params;
  const created = (await searchParams).created === "1";
  const program = await getProgram(member.ctx, id).catch((e) => {
    if (isAppError(e) && e.code === "not_found") notFound();
    throw e;
  });
  const [merchant, locations, rewards, partners] = await Promise.all([
    merchantOf(member.ctx),
    listLocations(member.ctx),
    listRewards(member.ctx, { programId: program.id }),
    can(member.ctx.actor, "rewards:write") ? listPartners(member.ctx) : [],
  ]);
  const canEdit = can(member.ctx.actor, "programs:write");
  const draft: ProgramDraft = {
    id: program.id,
    name: program.name,
    kind: program.kind,
    currency: program.currency,
    rules: program.rules,
    tiers: program.tiers,
    expiry: program.expiry,
    stampsRequired: program.stampsRequired,
    reminderDays: program.reminderDays,
    design: { ...program.design, logoText: program.design.logoText ?? "" },
    endsAt: program.endsAt ? program.endsAt.toISOString() : null,
  };

  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm text-gray-600">
        <Link href="/dashboard/programs" className="underline">
          Programs
        </Link>{" "}
        / {program.name}
      </nav>
      <PageHeader
        title={program.name}
        description={
          <span className="flex items-center gap-2">
            <Badge tone={program.status === "active" ? "green" : program.status === "paused" ? "amber" : "gray"}>{program.status}</Badge>
            <span className="capitalize">{program.kind}</span>
          </span>
        }
        actions={canEdit ? <StatusControls programId={program.id} status={program.status} /> : null}
      />
      {created ? (
        <div className="mb-6">
          <Alert tone="success">Your program is live. Add a reward below, then print the poster so customers can join.</Alert>
        </div>
      ) : null}
      <section className="mb-6 flex flex-wrap items-center gap-x-6 gap-y-2 rounded-xl border border-gray-200 bg-white p-4 text-sm shadow-sm">
        <span className="font-medium">Let customers join:</span>
        <a className="font-medium text-brand-700 underline" href={`/join/${program.id}`} target="_blank" rel="noreferrer" data-testid="join-link">
          Join page
        </a>
        <a className="font-medium text-brand-700 underline" href={`/join/${program.id}/poster.pdf`} download>
          Download the counter poster (PDF)
        </a>
        {can(member.ctx.actor, "automations:read") ? (
          <Link className="font-medium text-brand-700 underline" href={`/dashboard/automations?program=${program.id}`}>
            Automations: welcome, birthday, referral, win-back
          </Link>
        ) : null}
      </section>
      <ProgramEditor initial={draft} businessName={merchant.name} logoUrl={merchant.logoUrl} locations={locations.map((l) => ({ id: l.id, name: l.name }))} canEdit={canEdit} />
      <div className="mt-8">
        <RewardsManager
          programs={[programOption(program)]}
          partners={partners}
          rewards={rewards.map((r) => rewardRow(r, program.name))}
          canEdit={can(member.ctx.actor, "rewards:write")}
          title="Rewards in this program"
        />
      </div>
    </>
  );
}
