import type { Metadata } from "next";
import Link from "next/link";
import { EmptyState, PageHeader, formatDate } from "@/components/ui";
import { listAudit } from "@/lib/audit/log";
import { requirePage } from "../../_server/session";

export const metadata: Metadata = { title: "Audit log" };

function describe(details: Record<string, unknown> | null) {
  if (!details) return "";
  return Object.entries(details)
    .map(([k, v]) => `${k}: ${typeof v === "object" && v !== null ? JSON.stringify(v) : String(v)}`)
    .join(" · ")
    .slice(0, 300);
}

export default async function AuditPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const member = await requirePage("/dashboard/audit");
  const before = (await searchParams).before;
  const beforeDate = before && !Number.isNaN(Date.parse(before)) ? new Date(before) : undefined;
  const rows = await listAudit(member.ctx, { before: beforeDate });
  return (
    <>
      <PageHeader title="Audit log" description="Every manual adjustment, settings change and team change, with who did it." />
      {rows.length === 0 ? (
        <EmptyState title="Nothing logged yet" />
      ) : (
        <div className="overflow-x-auto rounded-xl border border-gray-200 bg-white shadow-sm">
          <table className="w-full text-sm">
            <thead className="bg-gray-50 text-left text-gray-600">
              <tr>
                <th className="px-4 py-2 font-medium">When</th>
                <th className="px-4 py-2 font-medium">Who</th>
                <th className="px-4 py-2 font-medium">What</th>
                <th className="px-4 py-2 font-medium">Details</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.id} className="border-t border-gray-100 align-top">
                  <td className="px-4 py-2 whitespace-nowrap">{formatDate(r.createdAt)}</td>
                  <td className="px-4 py-2">{r.actorEmail ?? (r.actorType === "api_key" ? `API key ${r.actorId}` : r.actorType)}</td>
                  <td className="px-4 py-2 font-medium">{r.action}</td>
                  <td className="px-4 py-2 break-words text-gray-700">{describe(r.details)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {rows.length === 50 ? (
        <Link href={`/dashboard/audit?before=${encodeURIComponent(rows.at(-1)!.createdAt.toISOString())}`} className="mt-4 inline-block text-sm underline">
          Older entries
        </Link>
      ) : null}
    </>
  );
}
