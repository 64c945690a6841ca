import Link from "next/link";
import { DateCell } from "@/components/cells";
import { DataTable, type Column } from "@/components/data-table";
import { EmptyState, formatNumber } from "@/components/ui";
import type { RfmMember, RfmSummary } from "@/lib/insights/rfm";
import { RFM_LABELS } from "@/lib/insights/rfm";
import { formatMoney } from "@/lib/money";

const COLORS: Record<string, string> = {
  champions: "#047857",
  loyal: "#10b981",
  potential: "#0369a1",
  new: "#38bdf8",
  at_risk: "#f59e0b",
  cant_lose: "#dc2626",
  hibernating: "#9ca3af",
  lost: "#4b5563",
};

/** Members per RFM group as horizontal bars, in a table so each number is read with its group. */
export function RfmGroups({ groups, currency, money }: { groups: RfmSummary["groups"]; currency: string; money: boolean }) {
  const max = Math.max(1, ...groups.map((g) => g.members));
  const worth = (v: number) => (money ? formatMoney(Math.round(v), currency) : `${formatNumber(Math.round(v))} pts`);
  return (
    <div className="overflow-x-auto">
    <table className="w-full max-w-3xl text-sm" data-testid="rfm-groups">
      <caption className="sr-only">Members in each RFM group, with their average days since the last visit, visits and {money ? "spend" : "points earned"}</caption>
      <thead className="text-left text-xs text-gray-600">
        <tr>
          <th scope="col" className="py-1 pr-2 font-medium">
            Group
          </th>
          <th scope="col" className="w-2/5 py-1 pr-2 font-medium">
            Members
          </th>
          <th scope="col" className="py-1 pr-2 text-right font-medium">
            Days since visit
          </th>
          <th scope="col" className="py-1 pr-2 text-right font-medium">
            Visits
          </th>
          <th scope="col" className="py-1 text-right font-medium">
            {money ? "Spend" : "Earned"}
          </th>
        </tr>
      </thead>
      <tbody>
        {groups.map((g) => (
          <tr key={g.group} className="border-t border-gray-100">
            <th scope="row" className="py-1.5 pr-2 text-left font-medium">
              <span title={g.description}>{g.name}</span>
            </th>
            <td className="py-1.5 pr-2">
              <span className="flex items-center gap-2">
                <span aria-hidden className="inline-block h-3 rounded-sm" style={{ width: `${(g.members / max) * 80}%`, minWidth: g.members ? 2 : 0, background: COLORS[g.group] }} />
                <span className="tabular-nums">{formatNumber(g.members)}</span>
              </span>
            </td>
            <td className="py-1.5 pr-2 text-right tabular-nums">{g.members ? Math.round(g.avgDaysSinceVisit) : "—"}</td>
            <td className="py-1.5 pr-2 text-right tabular-nums">{g.members ? g.avgVisits.toFixed(1) : "—"}</td>
            <td className="py-1.5 text-right tabular-nums">{g.members ? worth(g.avgMonetary) : "—"}</td>
          </tr>
        ))}
      </tbody>
    </table>
    </div>
  );
}

export function AtRiskTable({ rows, currency, money, timezone }: { rows: RfmMember[]; currency: string; money: boolean; timezone: string }) {
  const columns: Column<RfmMember>[] = [
    {
      id: "member",
      header: "Member",
      cell: (r) => (r.name ? <Link href={`/dashboard/members/${r.customerId}`} className="font-medium underline-offset-2 hover:underline">{r.name}</Link> : <span className="text-gray-600">{r.cardId}</span>),
    },
    { id: "group", header: "Group", cell: (r) => RFM_LABELS[r.group].name, sort: (r) => r.group },
    { id: "last", header: "Last visit", cell: (r) => <DateCell value={r.lastVisit} timeZone={timezone} />, sort: (r) => r.lastVisit },
    { id: "visits", header: "Visits", align: "right", cell: (r) => formatNumber(r.visits), sort: (r) => r.visits },
    { id: "spend", header: money ? "Spend" : "Earned", align: "right", cell: (r) => (money ? formatMoney(r.monetary, currency) : formatNumber(r.monetary)), sort: (r) => r.monetary },
    { id: "rfm", header: "R·F·M", cell: (r) => <span className="tabular-nums" aria-label={`recency ${r.r}, frequency ${r.f}, monetary ${r.m}`}>{`${r.r}·${r.f}·${r.m}`}</span> },
    { id: "alive", header: "Still active", align: "right", cell: (r) => (r.pAlive === null ? "—" : `${Math.round(r.pAlive * 100)}%`), sort: (r) => r.pAlive },
    { id: "expected", header: "Visits next 90 days", align: "right", cell: (r) => (r.expected90 === null ? "—" : r.expected90.toFixed(1)), sort: (r) => r.expected90 },
  ];
  return (
    <DataTable
      columns={columns}
      rows={rows}
      rowKey={(r) => r.cardId}
      caption="Members at risk"
      empty={<EmptyState title="Nobody at risk">No member who used to come often has gone quiet.</EmptyState>}
      pageSize={25}
    />
  );
}
