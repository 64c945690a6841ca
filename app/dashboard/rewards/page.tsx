import type { Metadata } from "next";
import { EmptyState, PageHeader } from "@/components/ui";
import { can } from "@/lib/auth/permissions";
import { listPrograms } from "@/lib/programs/verbs";
import { listPartners } from "@/lib/rewards/partner";
import { listRewards } from "@/lib/rewards/verbs";
import { requirePage } from "../../_server/session";
import { RewardsManager } from "./rewards-manager";
import { programOption, rewardRow } from "./rows";

export const metadata: Metadata = { title: "Rewards" };

export default async function RewardsPage() {
  const member = await requirePage("/dashboard/rewards");
  const canEdit = can(member.ctx.actor, "rewards:write");
  const [programs, rewards, partners] = await Promise.all([listPrograms(member.ctx), listRewards(member.ctx), canEdit ? listPartners(member.ctx) : []]);
  const names = new Map(programs.map((p) => [p.id, p.name]));
  const open = programs.filter((p) => p.status !== "archived");
  return (
    <>
      <PageHeader title="Rewards" description="What members can spend their points and stamps on. Stock counts down with every redemption." />
      {programs.length === 0 ? (
        <EmptyState title="Create a program first">Rewards belong to a program.</EmptyState>
      ) : (
        <RewardsManager
          programs={open.map(programOption)}
          partners={partners}
          rewards={rewards.map((r) => rewardRow(r, names.get(r.programId) ?? ""))}
          canEdit={canEdit}
          title="Catalog"
        />
      )}
    </>
  );
}
