import type { Metadata } from "next";
import { DateCell, MoneyCell, NumberCell, StatusBadge } from "@/components/cells";
import { DataTable, type Column } from "@/components/data-table";
import { Card, CardSection, EmptyState, PageHeader } from "@/components/ui";
import type { Payout, PayoutRun } from "@/db/schema";
import { formatMoney } from "@/lib/money";
import { merchantOf } from "@/lib/merchants/verbs";
import { listFailedPayouts, listPayoutRuns, listPayoutSettings } from "@/lib/payouts/runs";
import { listPrograms } from "@/lib/programs/verbs";
import { requirePage } from "../../_server/session";
import { MarkPaid, PayNow, PayoutSettingsForm } from "./payout-controls";

export const metadata: Metadata = { title: "Payouts" };

const RUN_STATUS: Record<PayoutRun["status"], string> = {
  pending: "waiting to start",
  running: "paying",
  awaiting_export: "to pay by hand",
  completed: "completed",
  completed_with_failures: "some failed",
};

const PROVIDER_TEXT: Record<PayoutRun["provider"], string> = {
  webhook: "Paid through your payout endpoint",
  manual: "Paid by hand from a CSV",
  stripe: "Paid by Stripe transfer to members' linked accounts",
  paypal: "Paid by PayPal to members' PayPal emails",
};

type Ctx = { tz: string; programName: Map<string, string>; currencyOf: Map<string, string> };

const runColumns = ({ tz, programName, currencyOf }: Ctx): Column<PayoutRun>[] => {
  const currency = (run: PayoutRun) => currencyOf.get(run.programId) ?? "USD";
  return [
    {
      id: "run",
      header: "Run",
      cell: (run) => (
        <>
          <p className="font-medium">{programName.get(run.programId) ?? "—"}</p>
          <p className="text-gray-600">
            <DateCell value={run.createdAt} timeZone={tz} /> · {run.trigger === "schedule" ? "scheduled" : "pay now"} · {run.provider}
          </p>
        </>
      ),
      sort: (run) => run.createdAt,
    },
    { id: "status", header: "Status", cell: (run) => <StatusBadge status={run.status} label={RUN_STATUS[run.status]} />, sort: (run) => RUN_STATUS[run.status] },
    {
      id: "paid",
      header: "Paid",
      align: "right",
      cell: (run) =>
        run.report ? (
          <>
            <NumberCell value={run.report.paid} />
            <MoneyCell minor={run.report.amountPaid} currency={currency(run)} className="block text-xs text-gray-600" />
          </>
        ) : (
          "—"
        ),
      sort: (run) => run.report?.amountPaid,
    },
    {
      id: "failed",
      header: "Failed",
      align: "right",
      cell: (run) =>
        run.report ? (
          <>
            <NumberCell value={run.report.failed} className={run.report.failed ? "font-semibold text-red-800" : ""} />
            {run.report.failed ? <MoneyCell minor={run.report.amountFailed} currency={currency(run)} className="block text-xs text-gray-600" /> : null}
          </>
        ) : (
          "—"
        ),
      sort: (run) => run.report?.amountFailed,
    },
    // Not yet paid: still to send, or sent and awaiting the provider's word (PayPal).
    { id: "waiting", header: "Waiting", align: "right", cell: (run) => <NumberCell value={run.report ? run.report.pending + (run.report.sent ?? 0) : undefined} />, sort: (run) => run.report && run.report.pending + (run.report.sent ?? 0) },
    {
      id: "actions",
      header: "Actions",
      hideHeader: true,
      cell: (run) => (
        <div className="flex flex-wrap justify-end gap-2">
          {run.provider === "manual" && run.report && run.report.selected + run.report.retried > 0 ? (
            <a href={`/dashboard/payouts/runs/${run.id}/csv`} className="inline-flex items-center rounded-lg border border-gray-300 bg-white px-3 py-1.5 font-medium hover:bg-gray-50" download>
              Download CSV
            </a>
          ) : null}
          {run.status === "awaiting_export" ? <MarkPaid runId={run.id} count={run.report?.pending ?? 0} /> : null}
        </div>
      ),
    },
  ];
};

const failedColumns = ({ tz, programName }: Ctx): Column<Payout>[] => [
  { id: "amount", header: "Amount", align: "right", cell: (p) => <MoneyCell minor={p.amount} currency={p.currency} className="font-medium" />, sort: (p) => p.amount },
  { id: "program", header: "Program", cell: (p) => programName.get(p.programId) ?? "—", sort: (p) => programName.get(p.programId) },
  { id: "card", header: "Card", cell: (p) => <code className="font-mono text-xs">{p.cardId}</code> },
  { id: "tries", header: "Tries", align: "right", cell: (p) => <NumberCell value={p.attempts} />, sort: (p) => p.attempts },
  { id: "error", header: "Last error", cell: (p) => p.lastError ?? "failed", className: "min-w-[12rem] break-words text-gray-700" },
  { id: "when", header: "Last try", cell: (p) => <DateCell value={p.updatedAt} timeZone={tz} />, sort: (p) => p.updatedAt },
];

export default async function PayoutsPage() {
  const member = await requirePage("/dashboard/payouts");
  const [programs, settings, runs, failed, merchant] = await Promise.all([
    listPrograms(member.ctx),
    listPayoutSettings(member.ctx),
    listPayoutRuns(member.ctx),
    listFailedPayouts(member.ctx),
    merchantOf(member.ctx),
  ]);
  const tz = merchant.timezone;
  const cashback = programs.filter((p) => p.kind === "cashback");
  const programName = new Map(programs.map((p) => [p.id, p.name]));
  const currencyOf = new Map(programs.map((p) => [p.id, p.currency]));
  const ctx: Ctx = { tz, programName, currencyOf };

  return (
    <>
      <PageHeader title="Payouts" description="Cashback paid out to members: on a schedule, or now. Every payout is sent once, with its own idempotency key, and failures are retried on the next run." />
      <div className="space-y-6">
        <section aria-labelledby="programs-title" className="space-y-4">
          <h2 id="programs-title" className="sr-only">
            Cashback programs
          </h2>
          {cashback.length === 0 ? (
            <EmptyState title="No cashback program">Payouts are for cashback programs. Create one under Programs.</EmptyState>
          ) : (
            cashback.map((p) => {
              const s = settings.find((x) => x.programId === p.id) ?? null;
              return (
                <Card key={p.id}>
                  <div className="flex flex-wrap items-start justify-between gap-3">
                    <div>
                      <h3 className="font-semibold">{p.name}</h3>
                      <p className="text-sm text-gray-600">
                        {s
                          ? `${s.enabled ? "" : "Switched off · "}${PROVIDER_TEXT[s.provider]} · minimum payout ${formatMoney(s.thresholdMinor, p.currency)} · ${s.schedule === "off" ? "no schedule" : s.schedule}`
                          : "Not set up yet."}
                      </p>
                    </div>
                    {s?.enabled ? <PayNow programId={p.id} name={p.name} /> : null}
                  </div>
                  <details className="mt-3">
                    <summary className="cursor-pointer text-sm font-medium text-brand-800">{s ? "Change payout settings" : "Set up payouts"}</summary>
                    <div className="mt-3">
                      <PayoutSettingsForm
                        programId={p.id}
                        currency={p.currency}
                        initial={s ? { provider: s.provider, thresholdMinor: s.thresholdMinor, schedule: s.schedule, endpointUrl: s.endpointUrl ?? "", enabled: s.enabled } : null}
                        hasSecret={Boolean(s?.secret)}
                      />
                    </div>
                  </details>
                </Card>
              );
            })
          )}
        </section>

        <CardSection id="runs" title="Payout runs">
          <DataTable caption="Payout runs, newest first, with their report" columns={runColumns(ctx)} rows={runs} rowKey={(r) => r.id} empty={<p className="text-sm text-gray-600">No runs yet.</p>} inset />
        </CardSection>

        <CardSection id="failed" title="Failed payouts" description="The money stays reserved for these members. The next run sends them again with the same key, so nobody is paid twice.">
          <DataTable
            caption="Failed payouts, latest attempt first"
            columns={failedColumns(ctx)}
            rows={failed}
            rowKey={(p) => p.id}
            empty={<p className="text-sm text-gray-600">None. Everything that was due has been paid.</p>}
            inset
          />
        </CardSection>
      </div>
    </>
  );
}
