import type { Metadata } from "next";
import { EmptyState, PageHeader } from "@/components/ui";
import { can } from "@/lib/auth/permissions";
import { listPrograms } from "@/lib/programs/verbs";
import { listRewards } from "@/lib/rewards/verbs";
import { requirePage } from "../../_server/session";
import { RewardsManager } from "./rewards-manager";

export const metadata: Metadata = { title: "Rewards" };

export default async function RewardsPage() {
  const member = await requirePage("/dashboard/rewards");
  const [programs, rewards] = await Promise.all([listPrograms(member.ctx), listRewards(member.ctx)]);
  const names = new Map(programs.map((p) => [p.id, p.name]));
  const open = programs.filter((p) => p.status !== "archived");
  return (
    <>
      <PageHeader title="Rewards" description="What members can spend their points and stamps on. Stock counts down with every redemption." />
      {programs.length === 0 ? (
        <EmptyState title="Create a program first">Rewards belong to a program.</EmptyState>
      ) : (
        <RewardsManager
          programs={open.map((p) => ({ id: p.id, name: p.name, kind: p.kind }))}
          rewards={rewards.map((r) => ({ ...r, programName: names.get(r.programId) ?? "" }))}
          canEdit={can(member.ctx.actor, "rewards:write")}
          title="Catalog"
        />
      )}
    </>
  );
}
