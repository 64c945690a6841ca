import type { Metadata } from "next";
import Link from "next/link";
import { EmptyState, PageHeader, formatDate, formatNumber, inputClass } from "@/components/ui";
import { searchMembers } from "@/lib/customers/members";
import { requirePage } from "../../_server/session";

export const metadata: Metadata = { title: "Members" };

export default async function MembersPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const member = await requirePage("/dashboard/members");
  const sp = await searchParams;
  const q = (sp.q ?? "").slice(0, 120);
  const page = Math.max(1, Math.min(10_000, Number(sp.page) || 1));
  const result = await searchMembers(member.ctx, { q: q || undefined, page });
  const link = (p: number) => `/dashboard/members?${new URLSearchParams({ ...(q ? { q } : {}), page: String(p) })}`;
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
      {result.rows.length === 0 ? (
        <EmptyState title={q ? "Nobody matches that search" : "No members yet"}>{q ? "Try part of an email address." : "Share your join page or print the poster."}</EmptyState>
      ) : (
        <div className="overflow-x-auto rounded-xl border border-gray-200 bg-white shadow-sm">
          <table className="w-full text-sm">
            <thead className="bg-gray-50 text-left text-gray-600">
              <tr>
                <th className="px-4 py-2 font-medium">Member</th>
                <th className="px-4 py-2 font-medium">Joined</th>
                <th className="px-4 py-2 font-medium">Cards</th>
                <th className="px-4 py-2 text-right font-medium">Balance</th>
                <th className="px-4 py-2 font-medium">Last visit</th>
              </tr>
            </thead>
            <tbody>
              {result.rows.map((r) => (
                <tr key={r.id} className="border-t border-gray-100 hover:bg-gray-50">
                  <td className="px-4 py-2">
                    <Link href={`/dashboard/members/${r.id}`} className="font-medium text-brand-800 underline-offset-2 hover:underline">
                      {r.name ?? r.email}
                    </Link>
                    {r.name ? <div className="text-xs text-gray-600">{r.email}</div> : null}
                  </td>
                  <td className="px-4 py-2 whitespace-nowrap">{formatDate(r.joinedAt).split(",").slice(0, 2).join(",")}</td>
                  <td className="px-4 py-2">{r.cards}</td>
                  <td className="px-4 py-2 text-right tabular-nums">{formatNumber(r.balance)}</td>
                  <td className="px-4 py-2 whitespace-nowrap">{r.lastActivityAt ? formatDate(r.lastActivityAt) : "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {result.pages > 1 ? (
        <nav aria-label="Pages" className="mt-4 flex items-center gap-3 text-sm">
          {page > 1 ? <Link href={link(page - 1)} className="underline">Previous</Link> : null}
          <span>
            Page {result.page} of {result.pages}
          </span>
          {page < result.pages ? <Link href={link(page + 1)} className="underline">Next</Link> : null}
        </nav>
      ) : null}
    </>
  );
}
