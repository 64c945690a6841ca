import type { Metadata } from "next";
import { Button, CardSection, Field, Input, PageHeader } from "@/components/ui";
import { can } from "@/lib/auth/permissions";
import { weeklyDigestSetting } from "@/lib/reports/digest";
import { listReports } from "@/lib/reports/export";
import { requirePage } from "../../_server/session";
import { DigestToggle } from "./digest-toggle";

export const metadata: Metadata = { title: "Reports" };

const DATE = /^\d{4}-\d\d-\d\d$/;

export default async function ReportsPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const member = await requirePage("/dashboard/reports");
  const sp = await searchParams;
  const from = sp.from && DATE.test(sp.from) ? sp.from : "";
  const to = sp.to && DATE.test(sp.to) ? sp.to : "";
  const reports = listReports(member.ctx);
  const digest = can(member.ctx.actor, "digest:manage") ? await weeklyDigestSetting(member.ctx) : null;
  const query = (format: "csv" | "json") => new URLSearchParams({ ...(from ? { from } : {}), ...(to ? { to } : {}), format }).toString();
  const period = from || to ? `from ${from || "the beginning"} to ${to || "today"}` : "all time";

  return (
    <>
      <PageHeader
        title="Reports"
        description="Download your members, ledger, vouchers and campaign results as CSV (for a spreadsheet) or JSON. Large exports stream straight to the file, so a million rows download as easily as ten."
      />
      <div className="space-y-6">
        <CardSection id="period" title="Period" description="Leave both empty for all time. The end date is not included.">
          <form method="get" className="flex flex-wrap items-end gap-4">
            <Field label="From" htmlFor="from">
              <Input id="from" name="from" type="date" defaultValue={from} />
            </Field>
            <Field label="To" htmlFor="to">
              <Input id="to" name="to" type="date" defaultValue={to} />
            </Field>
            <Button type="submit" variant="secondary">
              Use this period
            </Button>
          </form>
        </CardSection>

        <section aria-labelledby="downloads-title">
          <h2 id="downloads-title" className="mb-3 font-semibold">
            Downloads <span className="font-normal text-gray-600">({period})</span>
          </h2>
          <ul className="grid gap-4 md:grid-cols-2">
            {reports.map((report) => (
              <li key={report.name} className="flex flex-col rounded-xl border border-gray-200 bg-white p-5 shadow-sm">
                <h3 className="font-semibold">{report.title}</h3>
                <p className="mt-1 text-sm text-gray-600">{report.description}</p>
                <details className="mt-2 text-xs text-gray-600">
                  <summary className="cursor-pointer">Columns</summary>
                  <p className="mt-1 font-mono break-words">{report.columns.join(", ")}</p>
                </details>
                <div className="mt-4 flex flex-wrap gap-2">
                  <a
                    href={`/dashboard/reports/${report.name}?${query("csv")}`}
                    download
                    className="inline-flex items-center rounded-lg bg-brand-700 px-4 py-2 text-sm font-medium text-white hover:bg-brand-800"
                  >
                    Download CSV<span className="sr-only"> of {report.title.toLowerCase()}</span>
                  </a>
                  <a
                    href={`/dashboard/reports/${report.name}?${query("json")}`}
                    download
                    className="inline-flex items-center rounded-lg border border-gray-300 bg-white px-4 py-2 text-sm font-medium hover:bg-gray-50"
                  >
                    JSON<span className="sr-only"> of {report.title.toLowerCase()}</span>
                  </a>
                </div>
              </li>
            ))}
          </ul>
          <p className="mt-3 text-sm text-gray-600">
            The same reports are in the API: <code className="font-mono">GET /api/v1/reports/&#123;name&#125;?from=&amp;to=&amp;format=csv</code> with a key that has the read scope.
          </p>
        </section>

        {digest !== null ? (
          <CardSection id="digest" title="Weekly digest" description="Each Monday, last week's new members, visits, points and purchases, and any fraud flags waiting for you. Each owner chooses for themselves.">
            <DigestToggle enabled={digest} />
          </CardSection>
        ) : null}
      </div>
    </>
  );
}
