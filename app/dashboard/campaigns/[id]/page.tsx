import type { Metadata } from "next";
import { describeAudience } from "../audience";
import Link from "next/link";
import { notFound } from "next/navigation";
import { StatusBadge } from "@/components/cells";
import { IntervalChart, LineChart } from "@/components/charts";
import { Card, CardSection, PageHeader, Stat, formatDate, formatNumber } from "@/components/ui";
import type { Program } from "@/db/schema";
import { can } from "@/lib/auth/permissions";
import { previewCampaignEmail } from "@/lib/campaigns/preview";
import { campaignResults, type CampaignResults, type MetricComparison } from "@/lib/campaigns/results";
import { describeOffer } from "@/lib/campaigns/run";
import { utcToZoned } from "@/lib/campaigns/time";
import { getCampaign } from "@/lib/campaigns/verbs";
import { isAppError } from "@/lib/errors";
import { merchantOf } from "@/lib/merchants/verbs";
import { formatMoney } from "@/lib/money";
import { getProgram } from "@/lib/programs/verbs";
import { listSegments } from "@/lib/segments/verbs";
import { requirePage } from "../../../_server/session";
import { CancelCampaign } from "../campaign-controls";
import { DuplicateCampaign, EditCampaign, SendTestEmail, StartNow } from "./campaign-edit";

export const metadata: Metadata = { title: "Campaign" };

export default async function CampaignPage({ params }: { params: Promise<{ id: string }> }) {
  const member = await requirePage("/dashboard/campaigns/[id]");
  const { id } = await params;
  const campaign = await getCampaign(member.ctx, id).catch((e: unknown) => {
    if (isAppError(e) && (e.code === "not_found" || e.code === "invalid")) notFound();
    throw e;
  });
  const [program, merchant, segments, results] = await Promise.all([
    getProgram(member.ctx, campaign.programId),
    merchantOf(member.ctx),
    listSegments(member.ctx),
    campaignResults(member.ctx, campaign.id),
  ]);
  const tz = merchant.timezone;
  const writer = can(member.ctx.actor, "campaigns:write");
  const editable = writer && (campaign.status === "draft" || campaign.status === "scheduled" || campaign.status === "active");
  const email = campaign.announcement?.email ? await previewCampaignEmail(member.ctx, { campaignId: campaign.id }) : null;
  const audience = describeAudience(campaign, segments);

  return (
    <>
      <p className="mb-2 text-sm">
        <Link href="/dashboard/campaigns" className="text-brand-800 underline">
          ← All campaigns
        </Link>
      </p>
      <PageHeader
        title={campaign.name}
        description={
          <>
            {program.name} · {describeOffer(campaign, tz, program)} · {audience}
            {campaign.holdoutPercent ? ` · ${campaign.holdoutPercent} % held out` : ""}
            <br />
            {formatDate(campaign.startsAt, tz)} – {formatDate(campaign.endsAt, tz)} ({tz.replace(/_/g, " ")} time)
          </>
        }
        actions={
          <div className="flex flex-wrap items-start gap-2">
            <StatusBadge status={campaign.status} />
            {writer && (campaign.status === "draft" || campaign.status === "scheduled") ? <StartNow campaignId={campaign.id} name={campaign.name} /> : null}
            {writer ? <DuplicateCampaign campaignId={campaign.id} name={campaign.name} /> : null}
            {editable ? <CancelCampaign campaignId={campaign.id} name={campaign.name} running={campaign.status === "active"} /> : null}
          </div>
        }
      />
      <div className="space-y-6">
        {campaign.activatedAt ? <ResultsSection results={results} program={program} tz={tz} /> : null}

        {editable ? (
          <CardSection id="edit" title={campaign.status === "draft" ? "Edit and schedule" : campaign.status === "active" ? "Change the running campaign" : "Edit or reschedule"}>
            <EditCampaign
              campaign={{
                id: campaign.id,
                name: campaign.name,
                status: campaign.status,
                startsAt: utcToZoned(campaign.startsAt, tz),
                endsAt: utcToZoned(campaign.endsAt, tz),
                budget: campaign.budget,
                holdoutPercent: campaign.holdoutPercent,
                audienceLabel: audience,
                announcement: campaign.announcement,
              }}
              program={{ kind: program.kind, currency: program.currency }}
              segments={segments.map((s) => ({ id: s.id, name: s.name }))}
              timezone={tz}
            />
          </CardSection>
        ) : null}

        {email ? (
          <CardSection id="email" title="Announcement email" description={`What members who accepted marketing receive when it starts. Subject: “${email.subject}”.`}>
            <iframe title="Email preview" srcDoc={email.html} sandbox="" className="h-[32rem] w-full rounded-lg border border-gray-200 bg-white" />
            {writer ? (
              <div className="mt-3">
                <SendTestEmail campaignId={campaign.id} />
              </div>
            ) : null}
          </CardSection>
        ) : null}
      </div>
    </>
  );
}

function formatMetric(m: Pick<MetricComparison, "unit">, value: number, program: Pick<Program, "kind" | "currency">, signed = false): string {
  const sign = signed && value > 0 ? "+" : "";
  if (m.unit === "money" || (m.unit === "points" && program.kind === "cashback")) return `${sign}${formatMoney(Math.round(value), program.currency)}`;
  return `${sign}${value.toLocaleString("en", { maximumFractionDigits: 2, minimumFractionDigits: value !== 0 && Math.abs(value) < 10 ? 2 : 0 })}`;
}

function ResultsSection({ results, program, tz }: { results: CampaignResults; program: Program; tz: string }) {
  const c = results.comparison;
  return (
    <CardSection id="results" title="Results" description={`${formatDate(results.from, tz)} – ${formatDate(results.to, tz)}`}>
      <dl className="grid gap-4 sm:grid-cols-3">
        <Stat label="Treated members who came" value={formatNumber(results.participants)} />
        <Stat label="Points issued to them" value={formatNumber(results.pointsIssued)} hint={results.bonusPoints ? `${formatNumber(results.bonusPoints)} as the bonus` : undefined} />
        <Stat label="Their redemptions" value={formatNumber(results.redemptions)} hint={`${formatNumber(results.redemptionsBefore)} in as long before`} />
      </dl>
      {c ? (
        <div className="mt-6 space-y-6">
          <h3 className="text-base font-semibold">
            Against the holdout: {formatNumber(c.treatedMembers)} treated, {formatNumber(c.holdoutMembers)} held out ({c.holdoutPercent} %)
          </h3>
          <div className="overflow-x-auto">
            <table className="min-w-full text-left text-sm" data-testid="holdout-table">
              <caption className="sr-only">Per member, treated against holdout, with the difference and its 95 % confidence interval</caption>
              <thead className="text-gray-600">
                <tr>
                  {["Per member", "Treated", "Holdout", "Difference", "95 % interval"].map((h) => (
                    <th key={h} scope="col" className="py-2 pr-4 font-medium">
                      {h}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {c.metrics.map((m) => (
                  <tr key={m.key} className="border-t border-gray-100">
                    <th scope="row" className="py-2 pr-4 font-medium">
                      {m.label.replace(" per member", "")}
                    </th>
                    <td className="py-2 pr-4 tabular-nums">{formatMetric(m, m.treated, program)}</td>
                    <td className="py-2 pr-4 tabular-nums">{formatMetric(m, m.holdout, program)}</td>
                    <td className="py-2 pr-4 font-semibold tabular-nums">{formatMetric(m, m.difference, program, true)}</td>
                    <td className="py-2 pr-4 tabular-nums">
                      {m.low === null || m.high === null ? "too few members" : `${formatMetric(m, m.low, program, true)} to ${formatMetric(m, m.high, program, true)}`}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Card>
            <h4 className="mb-2 text-sm font-semibold">What the campaign changed, per member</h4>
            <IntervalChart
              title="Treated minus holdout, per member, with 95 % intervals"
              rows={c.metrics.map((m) => ({
                label: m.label.replace(" per member", ""),
                difference: m.difference,
                low: m.low,
                high: m.high,
                text: `${formatMetric(m, m.difference, program, true)}${m.low === null || m.high === null ? "" : ` (${formatMetric(m, m.low, program, true)} to ${formatMetric(m, m.high, program, true)})`}`,
              }))}
            />
          </Card>
          {c.daily.length > 1 ? (
            <Card>
              <h4 className="mb-2 text-sm font-semibold">Visits per member so far</h4>
              <LineChart
                title="Cumulative visits per member, treated and holdout"
                labels={c.daily.map((d) => d.day.slice(5))}
                series={[
                  { name: "Treated", color: "#047857", values: c.daily.map((d) => Number(d.treated.toFixed(3))) },
                  { name: "Holdout", color: "#6b7280", values: c.daily.map((d) => Number(d.holdout.toFixed(3))) },
                ]}
              />
            </Card>
          ) : null}
          <p className="text-xs text-gray-600">
            Cost is what the campaign gave each treated member (its bonus, and the multiplier’s extra on what they earned); the holdout got nothing. The interval is the difference ± 1.96 standard
            errors (Welch).
          </p>
        </div>
      ) : (
        <p className="mt-4 text-sm text-gray-600">This campaign has no holdout group, so there is nothing to compare with.</p>
      )}
    </CardSection>
  );
}
