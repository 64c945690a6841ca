import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { Badge, PageHeader, formatDate, formatNumber } from "@/components/ui";
import { can } from "@/lib/auth/permissions";
import { memberDetail } from "@/lib/customers/members";
import { isAppError } from "@/lib/errors";
import { requirePage } from "../../../_server/session";
import { AdjustForm, GdprControls } from "./member-controls";

export const metadata: Metadata = { title: "Member" };

const KIND_LABEL: Record<string, string> = { earn: "Earned", redeem: "Redeemed", adjust: "Adjusted", reverse: "Reversed", expire: "Expired", bonus: "Bonus", payout: "Paid out" };

export default async function MemberPage({ params }: { params: Promise<{ id: string }> }) {
  const member = await requirePage("/dashboard/members/[id]");
  const { id } = await params;
  const detail = await memberDetail(member.ctx, id).catch((e) => {
    if (isAppError(e) && e.code === "not_found") notFound();
    throw e;
  });
  const { customer } = detail;
  const erased = Boolean(customer.erasedAt);
  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm text-gray-600">
        <Link href="/dashboard/members" className="underline">
          Members
        </Link>{" "}
        / {erased ? "Erased customer" : (customer.name ?? customer.email)}
      </nav>
      <PageHeader
        title={erased ? "Erased customer" : (customer.name ?? customer.email)}
        description={erased ? `Personal data erased on ${formatDate(customer.erasedAt!)}. The ledger is kept for the books.` : `${customer.email}${customer.phone ? ` · ${customer.phone}` : ""} · joined ${formatDate(customer.createdAt)}`}
        actions={
          !erased ? <GdprControls customerId={customer.id} canExport={can(member.ctx.actor, "customers:export")} canErase={can(member.ctx.actor, "customers:erase")} /> : null
        }
      />
      <div className="space-y-6">
        {detail.cards.map(({ card, programName, programKind, entries, vouchers }) => (
          <section key={card.id} className="rounded-xl border border-gray-200 bg-white p-5 shadow-sm" aria-labelledby={`card-${card.id}`}>
            <div className="flex flex-wrap items-start justify-between gap-4">
              <div>
                <h2 id={`card-${card.id}`} className="font-semibold">
                  {programName}
                </h2>
                <p className="mt-1 text-3xl font-bold tabular-nums" data-testid="member-balance">
                  {formatNumber(card.balance)} <span className="text-base font-medium text-gray-600">{programKind === "stamps" ? "stamps" : programKind === "cashback" ? "cashback (minor units)" : "points"}</span>
                </p>
                <p className="mt-1 flex gap-2 text-sm text-gray-600">
                  {card.tier ? <Badge tone="blue">{card.tier}</Badge> : null}
                  {card.status === "closed" ? <Badge tone="red">closed</Badge> : null}
                  <span>Lifetime earned {formatNumber(card.lifetimeEarned)}</span>
                </p>
              </div>
              {card.status === "active" && can(member.ctx.actor, "points:adjust") ? <AdjustForm cardId={card.id} /> : null}
            </div>
            <div className="mt-5 overflow-x-auto">
              <table className="w-full text-sm">
                <caption className="sr-only">Ledger history of {programName}</caption>
                <thead className="text-left text-gray-600">
                  <tr className="border-b border-gray-200">
                    <th className="py-2 pr-3 font-medium">When</th>
                    <th className="py-2 pr-3 font-medium">What</th>
                    <th className="py-2 pr-3 text-right font-medium">Change</th>
                    <th className="py-2 pr-3 text-right font-medium">Balance</th>
                    <th className="py-2 font-medium">Note</th>
                  </tr>
                </thead>
                <tbody>
                  {entries.length === 0 ? (
                    <tr>
                      <td colSpan={5} className="py-4 text-center text-gray-600">
                        No activity yet.
                      </td>
                    </tr>
                  ) : null}
                  {entries.map((e) => (
                    <tr key={e.id} className="border-b border-gray-100">
                      <td className="py-2 pr-3 whitespace-nowrap">{formatDate(e.createdAt)}</td>
                      <td className="py-2 pr-3">
                        {KIND_LABEL[e.kind] ?? e.kind} <span className="text-xs text-gray-600">via {e.source}</span>
                      </td>
                      <td className={`py-2 pr-3 text-right tabular-nums ${e.amount < 0 ? "text-red-700" : "text-emerald-700"}`}>
                        {e.amount > 0 ? "+" : ""}
                        {formatNumber(e.amount)}
                      </td>
                      <td className="py-2 pr-3 text-right tabular-nums">{formatNumber(e.balanceAfter)}</td>
                      <td className="py-2 text-gray-700">{typeof e.details?.reason === "string" ? e.details.reason : typeof e.details?.reward === "string" ? e.details.reward : (e.reference ?? "")}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            {vouchers.length > 0 ? (
              <div className="mt-4">
                <h3 className="text-sm font-medium">Vouchers</h3>
                <ul className="mt-2 flex flex-wrap gap-2 text-sm">
                  {vouchers.map((v) => (
                    <li key={v.id} className="rounded-lg border border-gray-200 px-3 py-1.5">
                      {v.title} · <span className="font-mono">{v.code}</span> · <Badge tone={v.status === "issued" ? "green" : "gray"}>{v.status === "issued" ? "open" : v.status}</Badge>
                    </li>
                  ))}
                </ul>
              </div>
            ) : null}
          </section>
        ))}
      </div>
    </>
  );
}
