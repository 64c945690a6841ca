import type { Metadata } from "next";
import { DateCell } from "@/components/cells";
import { DataTable, type Column } from "@/components/data-table";
import { EmptyState, PageHeader } from "@/components/ui";
import { listAudit, type AuditRow } from "@/lib/audit/log";
import { merchantOf } from "@/lib/merchants/verbs";
import { requirePage } from "../../_server/session";

export const metadata: Metadata = { title: "Audit log" };

const PAGE = 50; // listAudit's page

function describe(details: Record<string, unknown> | null) {
  if (!details) return "";
  return Object.entries(details)
    .map(([k, v]) => `${k}: ${typeof v === "object" && v !== null ? JSON.stringify(v) : String(v)}`)
    .join(" · ")
    .slice(0, 300);
}

const columns = (tz: string): Column<AuditRow>[] => [
  { id: "when", header: "When", cell: (r) => <DateCell value={r.createdAt} timeZone={tz} /> },
  { id: "who", header: "Who", cell: (r) => r.actorEmail ?? (r.actorType === "api_key" ? `API key ${r.actorId}` : r.actorType) },
  { id: "what", header: "What", cell: (r) => r.action, className: "font-medium" },
  { id: "details", header: "Details", cell: (r) => describe(r.details), className: "min-w-[16rem] break-words text-gray-700" },
];

export default async function AuditPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const member = await requirePage("/dashboard/audit");
  const sp = await searchParams;
  const beforeDate = sp.before && !Number.isNaN(Date.parse(sp.before)) ? new Date(sp.before) : undefined;
  const from = beforeDate ? Math.max(1, Number(sp.from) || 1) : 1;
  const [rows, merchant] = await Promise.all([listAudit(member.ctx, { before: beforeDate }), merchantOf(member.ctx)]);
  const older = rows.length === PAGE ? `/dashboard/audit?${new URLSearchParams({ before: rows.at(-1)!.createdAt.toISOString(), from: String(from + PAGE) })}` : null;
  return (
    <>
      <PageHeader title="Audit log" description="Every manual adjustment, settings change and team change, with who did it." />
      <DataTable
        caption="Audit log, newest first"
        columns={columns(merchant.timezone)}
        rows={rows}
        rowKey={(r) => r.id}
        empty={<EmptyState title="Nothing logged yet" />}
        pages={{ from, prev: beforeDate ? { href: "/dashboard/audit", label: "Newest" } : null, next: older ? { href: older, label: "Older entries" } : null }}
      />
    </>
  );
}
