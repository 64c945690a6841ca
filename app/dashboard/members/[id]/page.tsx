import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { DateCell, NumberCell, StatusBadge } from "@/components/cells";
import { DataTable, type Column } from "@/components/data-table";
import { Badge, Card, PageHeader, formatDate, formatNumber } from "@/components/ui";
import type { LedgerEntry } from "@/db/schema";
import { can } from "@/lib/auth/permissions";
import { memberDetail } from "@/lib/customers/members";
import { formatMoney } from "@/lib/money";
import { isAppError } from "@/lib/errors";
import { cardReferrals } from "@/lib/lifecycle/referral-reads";
import { merchantOf } from "@/lib/merchants/verbs";
import { requirePage } from "../../../_server/session";
import { issueChoices } from "@/lib/vouchers/list";
import { AdjustForm, GdprControls } from "./member-controls";
import { MemberVouchers } from "./member-vouchers";
import { MemberReferrals } from "./referrals";

export const metadata: Metadata = { title: "Member" };

const KIND_LABEL: Record<string, string> = { earn: "Earned", redeem: "Redeemed", adjust: "Adjusted", reverse: "Reversed", expire: "Expired", bonus: "Bonus", payout: "Paid out" };

const note = (e: LedgerEntry) => (typeof e.details?.reason === "string" ? e.details.reason : typeof e.details?.reward === "string" ? e.details.reward : (e.reference ?? ""));

/** A balance or change as the program counts it: money for cashback, a count otherwise. */
const amountIn = (kind: string, currency: string) => (n: number, signed = false) =>
  kind === "cashback" ? `${signed && n > 0 ? "+" : ""}${formatMoney(n, currency)}` : null;

const ledgerColumns = (tz: string, money: ReturnType<typeof amountIn>): Column<LedgerEntry>[] => [
  { id: "when", header: "When", cell: (e) => <DateCell value={e.createdAt} timeZone={tz} show="datetime" />, sort: (e) => e.seq },
  {
    id: "what",
    header: "What",
    cell: (e) => (
      <>
        {KIND_LABEL[e.kind] ?? e.kind} <span className="text-xs text-gray-600">via {e.source}</span>
      </>
    ),
    sort: (e) => KIND_LABEL[e.kind] ?? e.kind,
  },
  { id: "change", header: "Change", align: "right", cell: (e) => money(e.amount, true) ?? <NumberCell value={e.amount} signed />, sort: (e) => e.amount },
  { id: "balance", header: "Balance", align: "right", cell: (e) => money(e.balanceAfter) ?? <NumberCell value={e.balanceAfter} />, sort: (e) => e.balanceAfter },
  { id: "note", header: "Note", cell: note, className: "text-gray-700" },
];

export default async function MemberPage({ params }: { params: Promise<{ id: string }> }) {
  const member = await requirePage("/dashboard/members/[id]");
  const { id } = await params;
  const [detail, merchant] = await Promise.all([
    memberDetail(member.ctx, id).catch((e) => {
      if (isAppError(e) && e.code === "not_found") notFound();
      throw e;
    }),
    merchantOf(member.ctx),
  ]);
  const choices = can(member.ctx.actor, "vouchers:issue") ? await issueChoices(member.ctx) : null;
  const tz = merchant.timezone;
  const { customer } = detail;
  const referrals = await cardReferrals(member.ctx, detail.cards.map((c) => c.card.id));
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
        description={erased ? `Personal data erased on ${formatDate(customer.erasedAt!, tz)}. The ledger is kept for the books.` : `${customer.email}${customer.phone ? ` · ${customer.phone}` : ""} · joined ${formatDate(customer.createdAt, tz)}`}
        actions={
          !erased ? <GdprControls customerId={customer.id} canExport={can(member.ctx.actor, "customers:export")} canErase={can(member.ctx.actor, "customers:erase")} /> : null
        }
      />
      <div className="space-y-6">
        {detail.cards.map(({ card, programName, programKind, programCurrency, entries, vouchers, wallet }) => {
          const money = amountIn(programKind, programCurrency);
          return (
          <Card key={card.id} aria-labelledby={`card-${card.id}`}>
            <div className="flex flex-wrap items-start justify-between gap-4">
              <div>
                <h2 id={`card-${card.id}`} className="font-semibold">
                  {programName}
                </h2>
                <p className="mt-1 text-3xl font-bold tabular-nums" data-testid="member-balance">
                  {money(card.balance) ?? formatNumber(card.balance)} <span className="text-base font-medium text-gray-600">{programKind === "stamps" ? "stamps" : programKind === "cashback" ? "cashback" : "points"}</span>
                </p>
                <p className="mt-1 flex gap-2 text-sm text-gray-600">
                  {card.tier ? <Badge tone="blue">{card.tier}</Badge> : null}
                  {card.status === "closed" ? <StatusBadge status="closed" /> : null}
                  <span>Lifetime earned {money(card.lifetimeEarned) ?? formatNumber(card.lifetimeEarned)}</span>
                </p>
                {card.debt > 0 ? (
                  <p className="mt-1 text-sm text-amber-900" data-testid="member-refund-debt">
                    Owes {money(card.debt) ?? formatNumber(card.debt)} from a refund of points already spent: the next earns pay it first.
                  </p>
                ) : null}
              </div>
              {card.status === "active" && can(member.ctx.actor, "points:adjust") ? <AdjustForm cardId={card.id} /> : null}
            </div>
            <WalletActivity cardId={card.id} wallet={wallet} timeZone={tz} />
            <MemberReferrals referrals={referrals.filter((r) => r.cardId === card.id)} timeZone={tz} />
            <div className="mt-5">
              <DataTable
                caption={`Ledger history of ${programName}`}
                columns={ledgerColumns(tz, money)}
                rows={entries}
                rowKey={(e) => e.id}
                empty={<p className="border-t border-gray-100 py-4 text-center text-sm text-gray-600">No activity yet.</p>}
                inset
              />
            </div>
            <MemberVouchers
              cardId={card.id}
              programId={card.programId}
              vouchers={vouchers}
              timeZone={tz}
              canVoid={can(member.ctx.actor, "vouchers:void")}
              issue={card.status === "active" && choices ? { rewards: choices.rewards, segments: [], programs: [] } : null}
            />
          </Card>
          );
        })}
      </div>
    </>
  );
}

type WalletTimes = { pushedAt: Date | null; fetchedAt: Date | null };

/** When each wallet copy of the card was last pushed (APNs push / Google PATCH accepted) and last fetched (the phone downloading the pass / Keepcard reading the Google object). */
function WalletActivity({ cardId, wallet, timeZone }: { cardId: string; wallet: { apple: WalletTimes; google: WalletTimes }; timeZone: string }) {
  const rows = [
    { name: "Apple Wallet", pushed: "push sent", fetched: "pass downloaded", ...wallet.apple },
    { name: "Google Wallet", pushed: "object updated", fetched: "object read", ...wallet.google },
  ];
  return (
    <dl className="mt-4 grid gap-3 text-sm sm:grid-cols-2" aria-label="Wallet passes" data-testid={`wallet-activity-${cardId}`}>
      {rows.map((r) => (
        <div key={r.name} className="rounded-lg border border-gray-200 px-3 py-2">
          <dt className="font-medium">{r.name}</dt>
          <dd className="mt-1 text-gray-700">
            Last {r.pushed}: <DateCell value={r.pushedAt} timeZone={timeZone} empty="never" />
          </dd>
          <dd className="text-gray-700">
            Last {r.fetched}: <DateCell value={r.fetchedAt} timeZone={timeZone} empty="never" />
          </dd>
        </div>
      ))}
    </dl>
  );
}
