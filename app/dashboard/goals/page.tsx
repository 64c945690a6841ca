import type { Metadata } from "next";
import { BarChart } from "@/components/charts";
import { DateCell, StatusBadge } from "@/components/cells";
import { DataTable, type Column } from "@/components/data-table";
import { Card, CardSection, EmptyState, PageHeader, Stat, formatNumber } from "@/components/ui";
import type { Program } from "@/db/schema";
import { utcToZoned } from "@/lib/campaigns/time";
import { goalParticipantsOf, listGoals, type GoalSummary } from "@/lib/goals/verbs";
import { listLocations } from "@/lib/locations/verbs";
import { merchantOf } from "@/lib/merchants/verbs";
import { formatDecimal, formatMoney } from "@/lib/money";
import { listPrograms } from "@/lib/programs/verbs";
import { listRewards } from "@/lib/rewards/verbs";
import { requirePage } from "../../_server/session";
import { EditGoal, GoalForm } from "./goal-controls";

export const metadata: Metadata = { title: "Goals" };

const DAY = 86_400_000;
/** Results (with their top contributors) are shown for this many of the latest goals that ended. */
const RESULTS_FOR = 4;

const isMoney = (g: Pick<GoalSummary, "metric">, p: Pick<Program, "kind"> | undefined) => g.metric === "spend" || (g.metric === "earned" && p?.kind === "cashback");

function amount(g: GoalSummary, p: Program | undefined, n: number): string {
  if (p && isMoney(g, p)) return formatMoney(n, p.currency);
  const unit = g.metric === "visits" ? "visits" : p?.kind === "stamps" ? "stamps" : "points";
  return `${formatNumber(n)} ${unit}`;
}

/** "420 of 1,000 visits", "$420.00 of $1,000.00". */
function progressOf(g: GoalSummary, p: Program | undefined): string {
  return `${p && isMoney(g, p) ? formatMoney(g.progress, p.currency) : formatNumber(g.progress)} of ${amount(g, p, g.target)}`;
}

function rewardText(g: GoalSummary, p: Program | undefined, rewardName: Map<string, string>): string {
  if (g.rewardKind === "voucher") return g.rewardId ? (rewardName.get(g.rewardId) ?? "a reward") : "a reward (deleted)";
  if (p?.kind === "cashback") return `${formatMoney(g.rewardPoints ?? 0, p.currency)} cashback`;
  return `${formatNumber(g.rewardPoints ?? 0)} ${p?.kind === "stamps" ? "stamps" : "points"}`;
}

export default async function GoalsPage() {
  const member = await requirePage("/dashboard/goals");
  const [goals, programs, locations, rewards, merchant] = await Promise.all([listGoals(member.ctx), listPrograms(member.ctx), listLocations(member.ctx), listRewards(member.ctx), merchantOf(member.ctx)]);
  const tz = merchant.timezone;
  const program = new Map(programs.map((p) => [p.id, p]));
  const locationName = new Map(locations.map((l) => [l.id, l.name]));
  const rewardName = new Map(rewards.map((r) => [r.id, r.name]));
  const live = programs.filter((p) => p.status !== "archived");
  const nowMs = requestTime();
  const ended = goals.filter((g) => g.status === "reached" || g.status === "missed").slice(0, RESULTS_FOR);
  const leaders = await Promise.all(ended.map((g) => goalParticipantsOf(member.ctx, { goalId: g.id, limit: 10 })));

  const columns: Column<GoalSummary>[] = [
    {
      id: "goal",
      header: "Goal",
      cell: (g) => (
        <>
          <p className="font-medium">{g.name}</p>
          <p className="text-xs text-gray-600">
            {program.get(g.programId)?.name ?? "—"} · {g.locationId ? (locationName.get(g.locationId) ?? "a location") : "every location"}
          </p>
        </>
      ),
      sort: (g) => g.name,
      className: "min-w-[12rem]",
    },
    {
      id: "progress",
      header: "Progress",
      cell: (g) => {
        const pct = Math.min(100, Math.round((g.progress / g.target) * 100));
        return (
          <div className="min-w-[10rem]">
            <div className="h-2 rounded-full bg-gray-200" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct} aria-label={`Progress of ${g.name}`}>
              <div className="h-2 rounded-full bg-brand-600" style={{ width: `${pct}%` }} />
            </div>
            <p className="mt-1 text-xs tabular-nums text-gray-700">
              {progressOf(g, program.get(g.programId))} ({pct}%)
            </p>
          </div>
        );
      },
      sort: (g) => g.progress / g.target,
    },
    { id: "reward", header: "Each participant gets", cell: (g) => rewardText(g, program.get(g.programId), rewardName) },
    { id: "ends", header: "Ends", cell: (g) => <DateCell value={g.endsAt} timeZone={tz} show="datetime" />, sort: (g) => g.endsAt },
    { id: "people", header: "Participants", align: "right", cell: (g) => formatNumber(g.participants), sort: (g) => g.participants },
    { id: "rewarded", header: "Rewarded", align: "right", cell: (g) => formatNumber(g.rewarded), sort: (g) => g.rewarded },
    { id: "status", header: "Status", cell: (g) => <StatusBadge status={g.status === "reached" ? "ok" : g.status === "missed" ? "failed" : g.status} label={g.status} />, sort: (g) => g.status },
  ];

  const running = goals.filter((g) => g.status === "active");
  return (
    <>
      <PageHeader title="Goals" description={`Targets your members reach together — “1,000 coffees this month” — and a reward for everyone who took part. Times are in ${tz.replace(/_/g, " ")} time.`} />
      <div className="space-y-6">
        <CardSection id="new-goal" title="Set a goal">
          {live.length === 0 ? (
            <p className="text-sm text-gray-600">Create a program first: a goal counts one program&apos;s purchases and visits.</p>
          ) : (
            <GoalForm
              timezone={tz}
              locations={locations.map((l) => ({ id: l.id, name: l.name }))}
              defaults={{ startsAt: utcToZoned(new Date(Math.floor(nowMs / 3_600_000) * 3_600_000), tz), endsAt: utcToZoned(new Date(Math.ceil(nowMs / 3_600_000) * 3_600_000 + 30 * DAY), tz) }}
              programs={live.map((p) => ({ id: p.id, name: p.name, kind: p.kind, currency: p.currency, rewards: rewards.filter((r) => r.programId === p.id && r.active).map((r) => ({ id: r.id, name: r.name })) }))}
            />
          )}
        </CardSection>

        <CardSection id="all" title="All goals" description="Progress counts as purchases and scans come in; a reached goal rewards its participants within a few minutes.">
          <DataTable
            caption="Goals, latest first"
            columns={columns}
            rows={goals}
            rowKey={(g) => g.id}
            empty={<EmptyState title="No goals yet">Set one above: members see its progress on their card and wallet pass.</EmptyState>}
            inset
          />
        </CardSection>

        {running.length > 0 ? (
          <CardSection id="edit" title="Change a running goal">
            <ul className="divide-y divide-gray-100">
              {running.map((g) => {
                const p = program.get(g.programId);
                const money = isMoney(g, p);
                return (
                  <li key={g.id} className="py-4 first:pt-0 last:pb-0">
                    <EditGoal
                      goal={{ id: g.id, name: g.name, target: g.target, targetText: money && p ? formatDecimal(g.target, p.currency) : String(g.target), endsAt: utcToZoned(g.endsAt, tz) }}
                      money={money}
                      currency={p?.currency ?? "USD"}
                      timezone={tz}
                    />
                  </li>
                );
              })}
            </ul>
          </CardSection>
        ) : null}

        {ended.length > 0 ? (
          <section aria-labelledby="results-title" className="space-y-4">
            <h2 id="results-title" className="text-lg font-semibold">
              Results
            </h2>
            {ended.map((g, i) => {
              const p = program.get(g.programId);
              const top = leaders[i]!;
              return (
                <Card key={g.id} className="space-y-4 p-5" aria-labelledby={`result-${g.id}`}>
                  <h3 id={`result-${g.id}`} className="font-semibold">
                    {g.name} <span className="font-normal text-gray-600">— {g.status === "reached" ? "reached" : "missed"}</span>
                  </h3>
                  <dl className="grid grid-cols-2 gap-3 sm:grid-cols-4">
                    <Stat label="Reached" value={`${Math.round((g.progress / g.target) * 100)}%`} hint={progressOf(g, p)} />
                    <Stat label="Participants" value={formatNumber(g.participants)} />
                    <Stat label="Rewarded" value={formatNumber(g.rewarded)} hint={rewardText(g, p, rewardName)} />
                    <Stat label="Per participant" value={g.participants ? amount(g, p, Math.round(g.progress / g.participants)) : "—"} hint="average contribution" />
                  </dl>
                  {top.length > 0 ? (
                    <BarChart
                      title={`Top contributors to ${g.name}`}
                      labels={top.map((_, n) => `#${n + 1}`)}
                      series={[{ name: `Contribution (${g.metric === "visits" ? "visits" : p && isMoney(g, p) ? p.currency : p?.kind === "stamps" ? "stamps" : "points"})`, color: "#059669", values: top.map((t) => (p && isMoney(g, p) ? Number(formatDecimal(t.contribution, p.currency)) : t.contribution)) }]}
                    />
                  ) : null}
                </Card>
              );
            })}
          </section>
        ) : null}
      </div>
    </>
  );
}

function requestTime(): number {
  return Date.now();
}
