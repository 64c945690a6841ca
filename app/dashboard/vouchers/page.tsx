import type { Metadata } from "next";
import Link from "next/link";
import { DateCell, StatusBadge } from "@/components/cells";
import { DataTable, type Column } from "@/components/data-table";
import { CardSection, EmptyState, PageHeader, inputClass } from "@/components/ui";
import { can } from "@/lib/auth/permissions";
import { listLocations } from "@/lib/locations/verbs";
import { merchantOf } from "@/lib/merchants/verbs";
import { listPrograms } from "@/lib/programs/verbs";
import { ListVouchersInput, VOUCHER_STATES, issueChoices, voucherRows, type VoucherRow } from "@/lib/vouchers/list";
import { requirePage } from "../../_server/session";
import { IssueVoucherForm, VoidVoucherButton } from "./voucher-controls";

export const metadata: Metadata = { title: "Vouchers" };

const STATE_LABEL: Record<string, string> = { issued: "open", redeemed: "used", void: "void", expired: "expired" };

const columns = (tz: string, canVoid: boolean): Column<VoucherRow>[] => [
  {
    id: "voucher",
    header: "Voucher",
    cell: (v) => (
      <>
        <span className="font-medium">{v.title}</span>
        <div className="font-mono text-xs text-gray-600">{v.code}</div>
      </>
    ),
  },
  {
    id: "member",
    header: "Member",
    cell: (v) => (
      <>
        {v.customerId ? (
          <Link href={`/dashboard/members/${v.customerId}`} className="text-brand-800 underline-offset-2 hover:underline">
            {v.member}
          </Link>
        ) : (
          v.member
        )}
        <div className="text-xs text-gray-600">{v.programName}</div>
      </>
    ),
  },
  { id: "status", header: "Status", cell: (v) => <StatusBadge status={v.state} label={STATE_LABEL[v.state]} /> },
  { id: "given", header: "Given", cell: (v) => <DateCell value={v.createdAt} timeZone={tz} show="date" /> },
  { id: "expires", header: "Expires", cell: (v) => <DateCell value={v.expiresAt} timeZone={tz} show="date" /> },
  {
    id: "used",
    header: "Used",
    cell: (v) =>
      v.redeemedAt ? (
        <>
          <DateCell value={v.redeemedAt} timeZone={tz} show="datetime" />
          {v.locationName ? <div className="text-xs text-gray-600">at {v.locationName}</div> : null}
        </>
      ) : v.locationName ? (
        <span className="text-xs text-gray-600">given at {v.locationName}</span>
      ) : (
        "—"
      ),
  },
  { id: "actions", header: "Actions", hideHeader: true, align: "right", cell: (v) => (canVoid && v.status === "issued" ? <VoidVoucherButton voucherId={v.id} title={v.title} /> : null) },
];

export default async function VouchersPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const member = await requirePage("/dashboard/vouchers");
  const sp = await searchParams;
  const asked = ListVouchersInput.safeParse({
    ...(sp.status ? { status: sp.status } : {}),
    ...(sp.locationId ? { locationId: sp.locationId } : {}),
    ...(sp.email ? { email: sp.email } : {}),
    ...(sp.cardId ? { cardId: sp.cardId } : {}),
    ...(sp.cursor ? { cursor: sp.cursor } : {}),
    limit: 50,
  });
  const filters = asked.success ? asked.data : { limit: 50 };
  const canIssue = can(member.ctx.actor, "vouchers:issue");
  const [page, merchant, places, programs, choices] = await Promise.all([
    voucherRows(member.ctx, filters),
    merchantOf(member.ctx),
    listLocations(member.ctx).catch(() => []),
    listPrograms(member.ctx),
    canIssue ? issueChoices(member.ctx) : null,
  ]);
  const keep = Object.fromEntries(Object.entries({ status: sp.status, locationId: sp.locationId, email: sp.email, cardId: sp.cardId }).filter((e): e is [string, string] => Boolean(e[1])));
  const next = page.nextCursor ? `/dashboard/vouchers?${new URLSearchParams({ ...keep, cursor: page.nextCursor })}` : null;
  return (
    <>
      <PageHeader title="Vouchers" description="Rewards waiting to be used at the counter: bought with points, earned with a full stamp card, or given as a goodwill gesture." />
      {!asked.success ? <p className="mb-4 text-sm text-red-700">Some filters were not understood and are ignored.</p> : null}
      <form role="search" aria-label="Filter vouchers" className="mb-4 grid gap-3 rounded-xl border border-gray-200 bg-white p-4 sm:grid-cols-[repeat(3,minmax(0,1fr))_auto] sm:items-end" action="/dashboard/vouchers">
        <div>
          <label htmlFor="voucher-status" className="block text-sm font-medium text-gray-800">
            Status
          </label>
          <select id="voucher-status" name="status" defaultValue={sp.status ?? ""} className={inputClass}>
            <option value="">Any</option>
            {VOUCHER_STATES.map((s) => (
              <option key={s} value={s}>
                {STATE_LABEL[s]}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="voucher-location" className="block text-sm font-medium text-gray-800">
            Location
          </label>
          <select id="voucher-location" name="locationId" defaultValue={sp.locationId ?? ""} className={inputClass}>
            <option value="">Any</option>
            {places.map((l) => (
              <option key={l.id} value={l.id}>
                {l.name}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="voucher-email" className="block text-sm font-medium text-gray-800">
            Member&apos;s email
          </label>
          <input id="voucher-email" name="email" type="email" defaultValue={sp.email ?? ""} className={inputClass} />
        </div>
        {sp.cardId ? <input type="hidden" name="cardId" value={sp.cardId} /> : null}
        <button className="rounded-lg bg-ink px-4 py-2 text-sm font-medium text-white">Filter</button>
      </form>
      <DataTable
        caption="Vouchers, newest first"
        columns={columns(merchant.timezone, can(member.ctx.actor, "vouchers:void"))}
        rows={page.rows}
        rowKey={(v) => v.id}
        empty={<EmptyState title={Object.keys(keep).length ? "No voucher matches these filters" : "No vouchers yet"}>Vouchers appear when members redeem rewards or you give one below.</EmptyState>}
        pages={{ from: 1, prev: sp.cursor ? { href: `/dashboard/vouchers?${new URLSearchParams(keep)}`, label: "First page" } : null, next: next ? { href: next } : null }}
      />
      {choices ? (
        <CardSection id="give-voucher" title="Give a voucher" description="A goodwill gesture for one member or everyone in a saved segment. It shows on their card page and wallet pass right away." className="mt-6">
          <IssueVoucherForm idPrefix="issue" programs={programs.filter((p) => p.status !== "archived").map((p) => ({ id: p.id, name: p.name }))} rewards={choices.rewards} segments={choices.segments} />
        </CardSection>
      ) : null}
    </>
  );
}
