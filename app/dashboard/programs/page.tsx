import type { Metadata } from "next";
import Link from "next/link";
import { Badge, ButtonLink, EmptyState, PageHeader, formatNumber } from "@/components/ui";
import { can } from "@/lib/auth/permissions";
import { listPrograms, programMemberCounts } from "@/lib/programs/verbs";
import { requirePage } from "../../_server/session";

export const metadata: Metadata = { title: "Programs" };

const KIND = { points: "Points", stamps: "Stamps", cashback: "Cashback" } as const;
const STATUS_TONE = { active: "green", paused: "amber", archived: "gray" } as const;

export default async function ProgramsPage() {
  const member = await requirePage("/dashboard/programs");
  const [programs, counts] = await Promise.all([listPrograms(member.ctx), programMemberCounts(member.ctx)]);
  const canWrite = can(member.ctx.actor, "programs:write");
  return (
    <>
      <PageHeader
        title="Programs"
        description="How customers earn: points, stamps or cashback, with tiers and expiry."
        actions={canWrite ? <ButtonLink href="/dashboard/programs/new">New program</ButtonLink> : null}
      />
      {programs.length === 0 ? (
        <EmptyState title="No programs yet">{canWrite ? <Link className="font-medium text-brand-700 underline" href="/dashboard/programs/new">Create your first program</Link> : "An owner or admin can create one."}</EmptyState>
      ) : (
        <ul className="grid gap-4 sm:grid-cols-2 xl:grid-cols-3">
          {programs.map((p) => (
            <li key={p.id}>
              <Link href={`/dashboard/programs/${p.id}`} className="block h-full rounded-xl border border-gray-200 bg-white p-5 shadow-sm transition hover:border-brand-600 hover:shadow">
                <div className="flex items-start justify-between gap-2">
                  <span className="flex items-center gap-2">
                    <span aria-hidden className="size-4 rounded" style={{ background: p.design.backgroundColor }} />
                    <span className="font-semibold">{p.name}</span>
                  </span>
                  <Badge tone={STATUS_TONE[p.status]}>{p.status}</Badge>
                </div>
                <p className="mt-2 text-sm text-gray-600">
                  {KIND[p.kind]}
                  {p.kind === "stamps" && p.stampsRequired ? ` · ${p.stampsRequired} stamps per card` : ""}
                  {p.tiers ? ` · ${p.tiers.levels.length} tiers` : ""}
                </p>
                <p className="mt-3 text-sm">
                  <strong className="tabular-nums">{formatNumber(counts.get(p.id) ?? 0)}</strong> members
                </p>
              </Link>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
