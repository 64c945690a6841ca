import type { Metadata } from "next";
import Link from "next/link";
import { DateCell, StatusBadge } from "@/components/cells";
import { DataTable, type Column } from "@/components/data-table";
import { Card, CardSection, EmptyState, PageHeader, formatDate, formatNumber } from "@/components/ui";
import type { Campaign, Program } from "@/db/schema";
import { campaignCost, describeAmount, type CampaignCost } from "@/lib/campaigns/cost";
import { campaignResults, type CampaignResults } from "@/lib/campaigns/results";
import { describeOffer } from "@/lib/campaigns/run";
import { utcToZoned } from "@/lib/campaigns/time";
import { listCampaigns } from "@/lib/campaigns/verbs";
import { listSegments } from "@/lib/segments/verbs";
import { merchantOf } from "@/lib/merchants/verbs";
import { listPrograms } from "@/lib/programs/verbs";
import { describeAudience } from "./audience";
import { requirePage } from "../../_server/session";
import { CampaignForm, CancelCampaign } from "./campaign-controls";

export const metadata: Metadata = { title: "Campaigns" };

const DAY = 86_400_000;
const BAR = { draft: "bg-gray-300", scheduled: "bg-sky-500", active: "bg-emerald-600", ended: "bg-gray-400", cancelled: "bg-red-300" } as const;
/** Results are worked out for this many of the latest campaigns that have run. */
const RESULTS_FOR = 6;

export default async function CampaignsPage() {
  const member = await requirePage("/dashboard/campaigns");
  const [campaigns, programs, segments, merchant] = await Promise.all([listCampaigns(member.ctx), listPrograms(member.ctx), listSegments(member.ctx), merchantOf(member.ctx)]);
  const tz = merchant.timezone;
  const nowMs = requestTime();
  const programName = new Map(programs.map((p) => [p.id, p.name]));
  const ran = campaigns
    .filter((c) => c.activatedAt)
    .sort((a, b) => b.startsAt.getTime() - a.startsAt.getTime())
    .slice(0, RESULTS_FOR);
  const results = await Promise.all(ran.map((c) => campaignResults(member.ctx, c.id)));
  const byId = new Map(programs.map((p) => [p.id, p]));
  const costs = new Map(
    await Promise.all(
      campaigns.map(async (c) => {
        const program = byId.get(c.programId);
        return [c.id, program ? { ...(await campaignCost(member.ctx, c, program, tz)), program } : null] as const;
      }),
    ),
  );
  const live = programs.filter((p) => p.status !== "archived");

  return (
    <>
      <PageHeader title="Campaigns" description={`Bonus points, multipliers and double stamps for a while, for some or all members. Times are in ${tz.replace(/_/g, " ")} time.`} />
      <div className="space-y-6">
        <CardSection id="timeline" title="Timeline" description="Two weeks back and six weeks ahead.">
          <Timeline campaigns={campaigns} programName={programName} tz={tz} nowMs={nowMs} />
        </CardSection>

        <CardSection id="new-campaign" title="Schedule a campaign">
          {live.length === 0 ? (
            <p className="text-sm text-gray-600">Create a program first: a campaign runs on one program.</p>
          ) : (
            <CampaignForm
              timezone={tz}
              defaults={{ startsAt: utcToZoned(new Date(Math.ceil(nowMs / 3_600_000) * 3_600_000 + DAY), tz), endsAt: utcToZoned(new Date(Math.ceil(nowMs / 3_600_000) * 3_600_000 + 8 * DAY), tz) }}
              programs={live.map((p) => ({ id: p.id, name: p.name, kind: p.kind, currency: p.currency, tiers: tierNames(p) }))}
              segments={segments.map((s) => ({ id: s.id, name: s.name }))}
            />
          )}
        </CardSection>

        <CardSection id="all" title="All campaigns">
          <DataTable
            caption="Campaigns, latest start first"
            columns={campaignColumns(tz, programName, segments, costs)}
            rows={campaigns}
            rowKey={(c) => c.id}
            defaultSort={{ column: "when", direction: "descending" }}
            empty={<EmptyState title="No campaigns yet">Schedule one above: it starts and ends by itself.</EmptyState>}
            inset
          />
        </CardSection>

        {results.length > 0 ? (
          <section aria-labelledby="results-title">
            <h2 id="results-title" className="mb-3 text-lg font-semibold">
              Results
            </h2>
            <ul className="grid gap-4 md:grid-cols-2">
              {results.map((r) => (
                <li key={r.campaignId}>
                  <ResultCard result={r} campaign={ran.find((c) => c.id === r.campaignId)!} tz={tz} />
                </li>
              ))}
            </ul>
          </section>
        ) : null}
      </div>
    </>
  );
}

type Costs = Map<string, (CampaignCost & { program: Pick<Program, "kind" | "currency"> }) | null>;

const campaignColumns = (tz: string, programName: Map<string, string>, segments: { id: string; name: string }[], costs: Costs): Column<Campaign>[] => [
  {
    id: "campaign",
    header: "Campaign",
    cell: (c) => (
      <>
        <p className="font-medium">
          <Link href={`/dashboard/campaigns/${c.id}`} className="text-brand-800 underline">
            {c.name}
          </Link>
        </p>
        <p className="text-gray-600">
          {programName.get(c.programId) ?? "—"} · {describeOffer(c, tz, costs.get(c.id)?.program)}
        </p>
      </>
    ),
    sort: (c) => c.name,
    className: "min-w-[14rem]",
  },
  {
    id: "when",
    header: "When",
    cell: (c) => (
      <>
        <DateCell value={c.startsAt} timeZone={tz} show="datetime" />
        <br />
        <span className="text-gray-600">
          to <DateCell value={c.endsAt} timeZone={tz} show="datetime" />
        </span>
      </>
    ),
    sort: (c) => c.startsAt,
    className: "whitespace-nowrap",
  },
  {
    id: "who",
    header: "Who",
    cell: (c) => (
      <>
        {describeAudience(c, segments)}
        {c.holdoutPercent ? <p className="text-gray-600">{c.holdoutPercent} % held out</p> : null}
      </>
    ),
    sort: (c) => describeAudience(c, segments),
  },
  {
    id: "cost",
    header: "Cost",
    cell: (c) => {
      const cost = costs.get(c.id);
      if (!cost) return "—";
      return (
        <>
          <p>
            about {cost.label} <span className="text-gray-600">for {formatNumber(cost.audience)} members</span>
          </p>
          <p className="text-gray-600">
            {cost.budget === null ? "No budget" : `Budget ${describeAmount(cost.program, cost.budget)}, ${describeAmount(cost.program, cost.spent)} given`}
          </p>
        </>
      );
    },
    sort: (c) => costs.get(c.id)?.atMost ?? 0,
  },
  { id: "status", header: "Status", cell: (c) => <StatusBadge status={c.status} />, sort: (c) => c.status },
  {
    id: "actions",
    header: "Actions",
    hideHeader: true,
    cell: (c) => (c.status === "draft" || c.status === "scheduled" || c.status === "active" ? <CancelCampaign campaignId={c.id} name={c.name} running={c.status === "active"} /> : null),
    className: "text-right",
  },
];

/** The time of this request: the page is rendered per request, never cached. */
function requestTime(): number {
  return Date.now();
}

function tierNames(p: Program): string[] {
  return p.tiers?.levels.map((l) => l.name) ?? [];
}

/** Campaigns as bars over eight weeks, with a marker for now. A list for screen readers says the same. */
function Timeline({ campaigns, programName, tz, nowMs }: { campaigns: Campaign[]; programName: Map<string, string>; tz: string; nowMs: number }) {
  const from = Math.floor(nowMs / DAY) * DAY - 14 * DAY;
  const to = from + 56 * DAY;
  const shown = campaigns.filter((c) => c.startsAt.getTime() < to && c.endsAt.getTime() > from);
  const pct = (ms: number) => `${(((Math.min(Math.max(ms, from), to) - from) / (to - from)) * 100).toFixed(2)}%`;
  const weeks = Array.from({ length: 8 }, (_, i) => from + i * 7 * DAY);
  const dayLabel = (ms: number) => new Intl.DateTimeFormat("en-US", { month: "short", day: "numeric", timeZone: tz }).format(ms);
  if (shown.length === 0) return <p className="mt-4 text-sm text-gray-600">Nothing runs in these eight weeks.</p>;
  return (
    <div className="mt-4">
      <div aria-hidden className="overflow-x-auto">
        <div className="relative min-w-[40rem]">
          <div className="relative ml-40 h-6 border-b border-gray-200 text-xs text-gray-600">
            {weeks.map((w) => (
              <span key={w} className="absolute top-0 -translate-x-1/2 whitespace-nowrap" style={{ left: pct(w) }}>
                {dayLabel(w)}
              </span>
            ))}
          </div>
          <ul className="relative">
            {shown.map((c) => (
              <li key={c.id} className="flex h-9 items-center border-b border-gray-100">
                <span className="w-40 shrink-0 truncate pr-3 text-sm" title={c.name}>
                  {c.name}
                </span>
                <span className="relative h-full flex-1">
                  <span
                    className={`absolute top-2 h-5 rounded ${BAR[c.status]} ${c.status === "cancelled" ? "opacity-70" : ""}`}
                    style={{ left: pct(c.startsAt.getTime()), width: `max(0.4rem, calc(${pct(c.endsAt.getTime())} - ${pct(c.startsAt.getTime())}))` }}
                    title={`${c.name}: ${formatDate(c.startsAt, tz)} – ${formatDate(c.endsAt, tz)} (${c.status})`}
                  />
                </span>
              </li>
            ))}
          </ul>
          <div className="pointer-events-none absolute inset-y-0 right-0 left-40">
            <div className="absolute inset-y-0 w-px bg-red-500" style={{ left: pct(nowMs) }} />
            <span className="absolute bottom-0 -translate-x-1/2 translate-y-full rounded bg-red-600 px-1 text-[10px] font-medium text-white" style={{ left: pct(nowMs) }}>
              now
            </span>
          </div>
        </div>
      </div>
      <ul className="sr-only">
        {shown.map((c) => (
          <li key={c.id}>
            {c.name} ({programName.get(c.programId)}), {c.status}, from {formatDate(c.startsAt, tz)} to {formatDate(c.endsAt, tz)}
          </li>
        ))}
      </ul>
      <ul className="mt-5 flex flex-wrap gap-4 text-xs text-gray-700" aria-label="Legend">
        {(["scheduled", "active", "ended", "cancelled"] as const).map((s) => (
          <li key={s} className="inline-flex items-center gap-1.5">
            <span aria-hidden className={`inline-block size-2.5 rounded-sm ${BAR[s]}`} />
            {s}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** What a campaign did; redemptions in the window against the same length of time before it, as two bars. */
function ResultCard({ result, campaign, tz }: { result: CampaignResults; campaign: Campaign; tz: string }) {
  const max = Math.max(1, result.redemptions, result.redemptionsBefore);
  const change = result.redemptionsBefore === 0 ? null : Math.round(((result.redemptions - result.redemptionsBefore) / result.redemptionsBefore) * 100);
  const days = Math.max(1, Math.round((new Date(result.to).getTime() - new Date(result.from).getTime()) / DAY));
  return (
    <Card className="h-full">
      <div className="flex items-start justify-between gap-2">
        <h3 className="font-semibold">
          <Link href={`/dashboard/campaigns/${campaign.id}#results`} className="text-brand-800 underline">
            {campaign.name}
          </Link>
        </h3>
        <StatusBadge status={campaign.status} />
      </div>
      <p className="text-xs text-gray-600">
        {formatDate(result.from, tz)} – {formatDate(result.to, tz)}
      </p>
      <dl className="mt-3 grid grid-cols-2 gap-3 text-sm">
        <div>
          <dt className="text-gray-600">Participants</dt>
          <dd className="text-xl font-semibold tabular-nums">{formatNumber(result.participants)}</dd>
        </div>
        <div>
          <dt className="text-gray-600">Points issued</dt>
          <dd className="text-xl font-semibold tabular-nums">{formatNumber(result.pointsIssued)}</dd>
          {result.bonusPoints ? <dd className="text-xs text-gray-600">{formatNumber(result.bonusPoints)} as the campaign bonus</dd> : null}
        </div>
      </dl>
      <figure className="mt-4">
        <figcaption className="text-sm text-gray-600">
          Redemptions: {days} {days === 1 ? "day" : "days"} of the campaign against the {days} before
          {change === null ? "" : ` (${change >= 0 ? "+" : ""}${change}%)`}
        </figcaption>
        <dl className="mt-2 space-y-1.5 text-sm">
          {[
            { label: "During", value: result.redemptions, color: "bg-emerald-600" },
            { label: "Before", value: result.redemptionsBefore, color: "bg-gray-400" },
          ].map((row) => (
            <div key={row.label} className="grid grid-cols-[4rem_1fr_3rem] items-center gap-2">
              <dt className="text-gray-700">{row.label}</dt>
              <dd aria-hidden className="h-3 rounded bg-gray-100">
                <span className={`block h-3 rounded ${row.color}`} style={{ width: `${(row.value / max) * 100}%` }} />
              </dd>
              <dd className="text-right tabular-nums">{formatNumber(row.value)}</dd>
            </div>
          ))}
        </dl>
      </figure>
    </Card>
  );
}
