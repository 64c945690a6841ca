import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { BarChart } from "@/components/charts";
import { CardSection, PageHeader, Stat, formatNumber } from "@/components/ui";
import { claimBatchResults, claimValueLabel } from "@/lib/claims/batches";
import { isAppError } from "@/lib/errors";
import { LANGUAGE_NAMES, LANGUAGES } from "@/lib/i18n";
import { requirePage } from "../../../_server/session";

export const metadata: Metadata = { title: "Claim code batch" };

export default async function ClaimBatchPage({ params }: { params: Promise<{ id: string }> }) {
  const member = await requirePage("/dashboard/claim-codes/[id]");
  const { id } = await params;
  const r = await claimBatchResults(member.ctx, id).catch((e) => {
    if (isAppError(e) && e.code === "not_found") notFound();
    throw e;
  });
  const { batch, program } = r;
  const ended = batch.expiresAt !== null && batch.expiresAt <= new Date();
  const lastDay = batch.expiresAt ? new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeZone: r.timezone }).format(new Date(batch.expiresAt.getTime() - 1)) : null;
  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm text-gray-600">
        <Link href="/dashboard/claim-codes" className="underline">
          Claim codes
        </Link>{" "}
        / {batch.name}
      </nav>
      <PageHeader
        title={batch.name}
        description={`${program.name} · ${claimValueLabel(program, batch.value)} a code · ${formatNumber(batch.quantity)} codes · ${lastDay ? `${ended ? "ended" : "claimable until"} ${lastDay}` : "no end date"}`}
      />
      <dl className="grid gap-3 sm:grid-cols-4" data-testid="batch-stats">
        <Stat label="Claimed" value={formatNumber(r.claimed)} hint={`${Math.round((100 * r.claimed) / Math.max(1, batch.quantity))}% of the codes`} />
        <Stat label="Unclaimed" value={formatNumber(r.unclaimed)} hint={ended ? "the batch has ended" : "still claimable"} />
        <Stat label="Expired" value={formatNumber(r.expired)} hint="never claimed, past the last day" />
        <Stat label={program.kind === "cashback" ? "Cashback given" : "Points given"} value={claimValueLabel(program, r.given)} />
      </dl>
      <CardSection id="per-day" title="Claims per day" className="mt-6">
        <BarChart title="Claims per day" labels={r.days.map((d) => d.date.slice(5))} series={[{ name: "Claims", color: "#0f766e", values: r.days.map((d) => d.claims) }]} />
      </CardSection>
      <CardSection id="print" title="Print" description="A4 sheets of 3 × 8 labels (65 × 35 mm), or every code and link as CSV for a print shop. Printing again gives the same codes." className="mt-6">
        <form method="get" action={`/dashboard/claim-codes/${batch.id}/sheet.pdf`} className="flex flex-wrap items-end gap-3">
          <div>
            <label htmlFor="sheet-lang" className="block text-sm font-medium text-gray-800">
              Label language
            </label>
            <select id="sheet-lang" name="lang" defaultValue="en" className="mt-1 rounded-lg border border-gray-300 bg-white px-3 py-2 text-sm">
              {LANGUAGES.map((l) => (
                <option key={l} value={l}>
                  {LANGUAGE_NAMES[l]}
                </option>
              ))}
            </select>
          </div>
          <button className="rounded-lg bg-ink px-4 py-2 text-sm font-medium text-white">Download PDF labels</button>
          <a href={`/dashboard/claim-codes/${batch.id}/codes.csv`} className="rounded-lg border border-gray-300 px-4 py-2 text-sm font-medium hover:bg-gray-50">
            Download CSV
          </a>
        </form>
      </CardSection>
    </>
  );
}
