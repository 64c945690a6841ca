import type { Metadata } from "next";
import Link from "next/link";
import { DateCell } from "@/components/cells";
import { BarChart } from "@/components/charts";
import { DataTable, type Column } from "@/components/data-table";
import { ActionButton } from "@/components/form";
import { Badge, CardSection, EmptyState, PageHeader, Stat, cx } from "@/components/ui";
import { can } from "@/lib/auth/permissions";
import { listFlags, staffActivity, type FlagRow, type StaffRow } from "@/lib/fraud/flags";
import { THRESHOLDS } from "@/lib/fraud/thresholds";
import { merchantOf } from "@/lib/merchants/verbs";
import { requirePage } from "../../_server/session";
import { resolveFlagAction } from "./actions";

export const metadata: Metadata = { title: "Flags" };

const TABS = [
  { status: "open", label: "Open" },
  { status: "resolved", label: "Resolved" },
] as const;

const staffColumns: Column<StaffRow>[] = [
  { id: "who", header: "Cashier", cell: (r) => r.label, sort: (r) => r.label, className: "font-medium break-all" },
  { id: "earns", header: "Earns", cell: (r) => r.earns.toLocaleString("en-US"), sort: (r) => r.earns, align: "right" },
  { id: "adjustments", header: "Adjustments", cell: (r) => `${r.adjustments} (${r.adjustedPoints.toLocaleString("en-US")} pts)`, sort: (r) => r.adjustments, align: "right" },
  { id: "reversals", header: "Reversals", cell: (r) => r.reversals, sort: (r) => r.reversals, align: "right" },
  { id: "voids", header: "Voids", cell: (r) => r.voids, sort: (r) => r.voids, align: "right" },
  {
    id: "ratio",
    header: "Against the team",
    cell: (r) =>
      r.ratio === null ? (
        "—"
      ) : (
        <span className={cx(r.ratio >= THRESHOLDS.outlierTeamFactor && r.corrections >= THRESHOLDS.outlierMinCorrections ? "font-semibold text-red-800" : "")}>{`${r.ratio.toFixed(1)}× median`}</span>
      ),
    sort: (r) => r.ratio,
    align: "right",
  },
];

export default async function FlagsPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const member = await requirePage("/dashboard/flags");
  const sp = await searchParams;
  const status = sp.status === "resolved" ? "resolved" : "open";
  const [flags, open, staff, merchant] = await Promise.all([
    listFlags(member.ctx, { status }),
    status === "open" ? null : listFlags(member.ctx, { status: "open" }),
    staffActivity(member.ctx),
    merchantOf(member.ctx),
  ]);
  const openFlags = open ?? flags;
  const held = openFlags.filter((f) => f.cardHeld).length;
  const mayResolve = can(member.ctx.actor, "flags:resolve");
  const chartRows = staff.rows.slice(0, 12);

  return (
    <>
      <PageHeader
        title="Flags"
        description="Unusual activity the fraud and abuse rules found: bursts of earns, purchases far above usual, sign-up bursts, redemptions right after an earn, and corrections far above the team. A flagged card is held: it takes no points until you dismiss the flag or release it."
      />
      <div className="space-y-6">
        <dl className="grid grid-cols-1 gap-3 sm:grid-cols-3">
          <Stat label="Open flags" value={openFlags.length} hint="Waiting for a review." />
          <Stat label="Cards on hold" value={held} hint="Earns on them are refused until released." />
          <Stat label="Team corrections (30 days)" value={staff.rows.reduce((n, r) => n + r.corrections, 0)} hint={`Adjustments and reversals; the median cashier made ${staff.teamMedian}.`} />
        </dl>

        <nav aria-label="Flag status" className="flex gap-2 border-b border-gray-200">
          {TABS.map((tab) => (
            <Link
              key={tab.status}
              href={tab.status === "open" ? "/dashboard/flags" : "/dashboard/flags?status=resolved"}
              aria-current={status === tab.status ? "page" : undefined}
              className={cx("-mb-px border-b-2 px-3 py-2 text-sm font-medium", status === tab.status ? "border-brand-700 text-brand-800" : "border-transparent text-gray-600 hover:text-ink")}
            >
              {tab.label}
            </Link>
          ))}
        </nav>

        {flags.length === 0 ? (
          <EmptyState title={status === "open" ? "No open flags" : "No resolved flags yet"}>
            {status === "open" ? "The rules run on every ledger change and once an hour. Nothing unusual so far." : "Flags you dismiss or confirm are listed here."}
          </EmptyState>
        ) : (
          <ul className="space-y-3" aria-label={status === "open" ? "Open flags" : "Resolved flags"}>
            {flags.map((flag) => (
              <FlagItem key={flag.id} flag={flag} timeZone={merchant.timezone} mayResolve={mayResolve} />
            ))}
          </ul>
        )}

        <CardSection
          id="staff"
          title="Staff: corrections per cashier"
          description={`Adjustments, reversals and voids (a reversal within ${THRESHOLDS.voidMinutes} minutes of the earn) by each cashier and API key in the last ${THRESHOLDS.outlierDays} days, against the team's median.`}
        >
          {staff.rows.length === 0 ? (
            <EmptyState title="No entries by the team in the last 30 days" />
          ) : (
            <div className="space-y-4">
              <BarChart
                title="Corrections per cashier against the team median"
                labels={chartRows.map((r) => (r.label.length > 14 ? `${r.label.slice(0, 13)}…` : r.label))}
                series={[
                  { name: "Adjustments and reversals", color: "#b91c1c", values: chartRows.map((r) => r.corrections) },
                  { name: "Team median", color: "#9ca3af", values: chartRows.map(() => staff.teamMedian) },
                ]}
              />
              <DataTable inset caption="Corrections per cashier" columns={staffColumns} rows={staff.rows} rowKey={(r) => `${r.actorType}:${r.actorId}`} empty={null} />
            </div>
          )}
        </CardSection>
      </div>
    </>
  );
}

function FlagItem({ flag, timeZone, mayResolve }: { flag: FlagRow; timeZone: string; mayResolve: boolean }) {
  const titleId = `flag-${flag.id}-title`;
  return (
    <li>
      <article aria-labelledby={titleId} className="rounded-xl border border-gray-200 bg-white p-5 shadow-sm" data-flag={flag.id}>
        <div className="flex flex-wrap items-start justify-between gap-3">
          <div className="min-w-0">
            <h3 id={titleId} className="flex flex-wrap items-center gap-2 font-semibold">
              {flag.label}
              <Badge tone={flag.status === "open" ? "amber" : flag.status === "confirmed" ? "red" : "gray"}>{flag.status}</Badge>
              {flag.cardHeld ? <Badge tone="red">Card on hold</Badge> : null}
            </h3>
            <p className="mt-1 text-sm">{flag.summary}</p>
            <p className="mt-1 text-sm text-gray-600">
              {flag.subjectLabel} · raised <DateCell value={flag.createdAt} timeZone={timeZone} />
              {flag.customerId ? (
                <>
                  {" · "}
                  <Link className="underline" href={`/dashboard/members/${flag.customerId}`}>
                    Open the member
                  </Link>
                </>
              ) : null}
            </p>
            {flag.status !== "open" ? (
              <p className="mt-1 text-sm text-gray-600">
                {flag.status === "dismissed" ? "Dismissed" : "Confirmed"} by {flag.resolvedByEmail ?? "someone"} <DateCell value={flag.resolvedAt} timeZone={timeZone} />
                {flag.resolutionNote ? `: “${flag.resolutionNote}”` : ""}
              </p>
            ) : null}
          </div>
          {mayResolve ? (
            <div className="flex flex-wrap gap-2">
              {flag.status === "open" ? (
                <>
                  <ActionButton action={resolveFlagAction} input={{ flagId: flag.id, action: "dismiss" as const }} variant="secondary" pendingLabel="Dismissing…">
                    Dismiss{flag.cardHeld ? " and release" : ""}
                  </ActionButton>
                  <ActionButton
                    action={resolveFlagAction}
                    input={{ flagId: flag.id, action: "confirm" as const }}
                    variant="danger"
                    pendingLabel="Confirming…"
                    confirm="Confirm this as abuse? A held card stays held until you release it."
                  >
                    Confirm abuse
                  </ActionButton>
                </>
              ) : null}
              {flag.cardHeld ? (
                <ActionButton action={resolveFlagAction} input={{ flagId: flag.id, action: "release" as const }} variant="secondary" pendingLabel="Releasing…">
                  Release hold
                </ActionButton>
              ) : flag.cardId && flag.status === "open" ? (
                <ActionButton action={resolveFlagAction} input={{ flagId: flag.id, action: "hold" as const }} variant="ghost" pendingLabel="Holding…">
                  Hold card
                </ActionButton>
              ) : null}
            </div>
          ) : null}
        </div>
        <details className="mt-3">
          <summary className="cursor-pointer text-sm font-medium text-gray-700">Evidence</summary>
          {/* Focusable: the evidence can be long, and a keyboard must be able to scroll it. */}
          <pre tabIndex={0} aria-label={`Evidence of ${flag.label.toLowerCase()}, as JSON`} className="mt-2 max-h-72 overflow-auto rounded-lg bg-gray-50 p-3 text-xs break-words whitespace-pre-wrap focus:outline-2 focus:outline-brand-700">{JSON.stringify(flag.evidence, null, 2)}</pre>
        </details>
      </article>
    </li>
  );
}
