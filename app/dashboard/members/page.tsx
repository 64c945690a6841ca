import type { Metadata } from "next";
import Link from "next/link";
import { DateCell, NumberCell } from "@/components/cells";
import { DataTable, type Column } from "@/components/data-table";
import { EmptyState, PageHeader, formatNumber, inputClass } from "@/components/ui";
import { searchMembers, type MemberRow } from "@/lib/customers/members";
import { merchantOf } from "@/lib/merchants/verbs";
import { requirePage } from "../../_server/session";

export const metadata: Metadata = { title: "Members" };

const columns = (tz: string): Column<MemberRow>[] => [
  {
    id: "member",
    header: "Member",
    cell: (r) => (
      <>
        <Link href={`/dashboard/members/${r.id}`} className="font-medium text-brand-800 underline-offset-2 hover:underline">
          {r.name ?? r.email}
        </Link>
        {r.name ? <div className="text-xs text-gray-600">{r.email}</div> : null}
      </>
    ),
  },
  { id: "joined", header: "Joined", cell: (r) => <DateCell value={r.joinedAt} timeZone={tz} show="date" /> },
  { id: "cards", header: "Cards", align: "right", cell: (r) => <NumberCell value={r.cards} /> },
  { id: "balance", header: "Balance", align: "right", cell: (r) => <NumberCell value={r.balance} /> },
  { id: "last", header: "Last visit", cell: (r) => <DateCell value={r.lastActivityAt} timeZone={tz} /> },
];

export default async function MembersPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const member = await requirePage("/dashboard/members");
  const sp = await searchParams;
  const q = (sp.q ?? "").slice(0, 120);
  const page = Math.max(1, Math.min(10_000, Number(sp.page) || 1));
  const [result, merchant] = await Promise.all([searchMembers(member.ctx, { q: q || undefined, page }), merchantOf(member.ctx)]);
  const link = (p: number) => `/dashboard/members?${new URLSearchParams({ ...(q ? { q } : {}), page: String(p) })}`;
  // Full pages before the last hold as many rows as this one; the last page ends at the total.
  const from = result.page < result.pages ? (result.page - 1) * result.rows.length + 1 : result.total - result.rows.length + 1;
  return (
    <>
      <PageHeader title="Members" description={`${formatNumber(result.total)} ${q ? "matching" : "in total"}.`} />
      <form role="search" className="mb-4 flex max-w-md gap-2" action="/dashboard/members">
        <label htmlFor="member-search" className="sr-only">
          Search members by email or name
        </label>
        <input id="member-search" name="q" defaultValue={q} placeholder="Search by email or name" className={inputClass} />
        <button className="rounded-lg bg-ink px-4 py-2 text-sm font-medium text-white">Search</button>
      </form>
      <DataTable
        caption={q ? `Members matching “${q}”, newest first` : "Members, newest first"}
        columns={columns(merchant.timezone)}
        rows={result.rows}
        rowKey={(r) => r.id}
        empty={<EmptyState title={q ? "Nobody matches that search" : "No members yet"}>{q ? "Try part of an email address." : "Share your join page or print the poster."}</EmptyState>}
        pages={{
          from,
          total: result.total,
          prev: result.page > 1 ? { href: link(result.page - 1) } : null,
          next: result.page < result.pages ? { href: link(result.page + 1) } : null,
        }}
      />
    </>
  );
}
