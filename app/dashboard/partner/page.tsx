import type { Metadata } from "next";
import { DateCell, StatusBadge } from "@/components/cells";
import { DataTable, type Column } from "@/components/data-table";
import { EmptyState, PageHeader } from "@/components/ui";
import { merchantOf } from "@/lib/merchants/verbs";
import { listPartnerRedemptions, type PartnerRedemption } from "@/lib/rewards/partner";
import { requirePage } from "../../_server/session";

export const metadata: Metadata = { title: "Partner rewards" };

const STATUS_LABEL = { issued: "Not used yet", redeemed: "Used", void: "Cancelled" } as const;

const columns = (tz: string): Column<PartnerRedemption>[] => [
  { id: "reward", header: "Reward", cell: (r) => <span className="font-medium">{r.rewardName}</span>, sort: (r) => r.rewardName },
  { id: "issued", header: "Redeemed for", cell: (r) => <DateCell value={r.issuedAt} timeZone={tz} show="datetime" />, sort: (r) => r.issuedAt.getTime() },
  { id: "status", header: "Voucher", cell: (r) => <StatusBadge status={r.status} label={STATUS_LABEL[r.status]} />, sort: (r) => r.status },
  { id: "used", header: "Used", cell: (r) => <DateCell value={r.usedAt} timeZone={tz} show="datetime" /> },
  { id: "where", header: "Where", cell: (r) => r.location ?? "—" },
];

// Partners see the redemptions of their own rewards (owners and admins: of every partner reward); never who redeemed.
export default async function PartnerRewardsPage() {
  const member = await requirePage("/dashboard/partner");
  const [rows, merchant] = await Promise.all([listPartnerRedemptions(member.ctx), merchantOf(member.ctx)]);
  return (
    <>
      <PageHeader title="Partner rewards" description="Each time a member spends points on a partner's reward, and whether the voucher was used. Customers are not named." />
      <DataTable
        caption="Redemptions of partner rewards, newest first"
        columns={columns(merchant.timezone)}
        rows={rows}
        rowKey={(r) => r.voucherId}
        empty={<EmptyState title="No redemptions yet">They appear here when members redeem a partner&apos;s reward.</EmptyState>}
      />
    </>
  );
}
