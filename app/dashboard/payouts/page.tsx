import type { Metadata } from "next";
import { Badge, Card, EmptyState, PageHeader, formatDate, formatMoney, formatNumber } from "@/components/ui";
import type { PayoutRun } from "@/db/schema";
import { merchantOf } from "@/lib/merchants/verbs";
import { listFailedPayouts, listPayoutRuns, listPayoutSettings } from "@/lib/payouts/runs";
import { listPrograms } from "@/lib/programs/verbs";
import { requirePage } from "../../_server/session";
import { MarkPaid, PayNow, PayoutSettingsForm } from "./payout-controls";

export const metadata: Metadata = { title: "Payouts" };

const RUN_STATUS: Record<PayoutRun["status"], { label: string; tone: "gray" | "green" | "amber" | "red" | "blue" }> = {
  pending: { label: "waiting to start", tone: "gray" },
  running: { label: "paying", tone: "blue" },
  awaiting_export: { label: "to pay by hand", tone: "amber" },
  completed: { label: "completed", tone: "green" },
  completed_with_failures: { label: "some failed", tone: "red" },
};

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
                          ? `${s.enabled ? "" : "Switched off · "}${s.provider === "webhook" ? "Paid through your payout endpoint" : "Paid by hand from a CSV"} · cards from ${formatMoney(s.thresholdMinor, p.currency)} · ${s.schedule === "off" ? "no schedule" : s.schedule}`
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

        <Card aria-labelledby="runs-title">
          <h2 id="runs-title" className="mb-3 font-semibold">
            Payout runs
          </h2>
          {runs.length === 0 ? (
            <p className="text-sm text-gray-600">No runs yet.</p>
          ) : (
            <div className="-mx-5 overflow-x-auto">
              <table className="w-full text-sm">
                <caption className="sr-only">Payout runs, newest first, with their report</caption>
                <thead className="bg-gray-50 text-left text-gray-600">
                  <tr>
                    <th scope="col" className="px-5 py-2 font-medium">
                      Run
                    </th>
                    <th scope="col" className="px-3 py-2 font-medium">
                      Status
                    </th>
                    <th scope="col" className="px-3 py-2 text-right font-medium">
                      Paid
                    </th>
                    <th scope="col" className="px-3 py-2 text-right font-medium">
                      Failed
                    </th>
                    <th scope="col" className="px-3 py-2 text-right font-medium">
                      Waiting
                    </th>
                    <th scope="col" className="px-5 py-2">
                      <span className="sr-only">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {runs.map((run) => {
                    const r = run.report;
                    const currency = currencyOf.get(run.programId) ?? "USD";
                    const status = RUN_STATUS[run.status];
                    return (
                      <tr key={run.id} className="border-t border-gray-100 align-top">
                        <td className="px-5 py-3">
                          <p className="font-medium">{programName.get(run.programId) ?? "—"}</p>
                          <p className="text-gray-600">
                            {formatDate(run.createdAt, tz)} · {run.trigger === "schedule" ? "scheduled" : "pay now"} · {run.provider}
                          </p>
                        </td>
                        <td className="px-3 py-3">
                          <Badge tone={status.tone}>{status.label}</Badge>
                        </td>
                        <td className="px-3 py-3 text-right tabular-nums">
                          {r ? (
                            <>
                              {formatNumber(r.paid)}
                              <div className="text-xs text-gray-600">{formatMoney(r.amountPaid, currency)}</div>
                            </>
                          ) : (
                            "—"
                          )}
                        </td>
                        <td className="px-3 py-3 text-right tabular-nums">
                          {r ? (
                            <>
                              <span className={r.failed ? "font-semibold text-red-800" : ""}>{formatNumber(r.failed)}</span>
                              {r.failed ? <div className="text-xs text-gray-600">{formatMoney(r.amountFailed, currency)}</div> : null}
                            </>
                          ) : (
                            "—"
                          )}
                        </td>
                        <td className="px-3 py-3 text-right tabular-nums">{r ? formatNumber(r.pending) : "—"}</td>
                        <td className="px-5 py-3">
                          <div className="flex flex-wrap justify-end gap-2">
                            {run.provider === "manual" && r && r.selected + r.retried > 0 ? (
                              <a href={`/dashboard/payouts/runs/${run.id}/csv`} className="inline-flex items-center rounded-lg border border-gray-300 bg-white px-3 py-1.5 font-medium hover:bg-gray-50" download>
                                Download CSV
                              </a>
                            ) : null}
                            {run.status === "awaiting_export" ? <MarkPaid runId={run.id} count={r?.pending ?? 0} /> : null}
                          </div>
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          )}
        </Card>

        <Card aria-labelledby="failed-title">
          <h2 id="failed-title" className="font-semibold">
            Failed payouts
          </h2>
          <p className="mt-1 mb-3 text-sm text-gray-600">The money stays reserved for these members. The next run sends them again with the same key, so nobody is paid twice.</p>
          {failed.length === 0 ? (
            <p className="text-sm text-gray-600">None. Everything that was due has been paid.</p>
          ) : (
            <ul className="divide-y divide-gray-100 text-sm">
              {failed.map((p) => (
                <li key={p.id} className="flex flex-wrap items-baseline justify-between gap-2 py-2">
                  <span>
                    <span className="font-medium tabular-nums">{formatMoney(p.amount, p.currency)}</span> · {programName.get(p.programId) ?? "—"} · card <code className="font-mono text-xs">{p.cardId}</code>
                  </span>
                  <span className="text-gray-600">
                    {p.attempts} {p.attempts === 1 ? "try" : "tries"} · {p.lastError ?? "failed"} · {formatDate(p.updatedAt, tz)}
                  </span>
                </li>
              ))}
            </ul>
          )}
        </Card>
      </div>
    </>
  );
}
