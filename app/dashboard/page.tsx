import type { Metadata } from "next";
import { BarChart, LineChart } from "@/components/charts";
import { ButtonLink, CardSection, PageHeader, Stat, formatNumber } from "@/components/ui";
import { formatMoney } from "@/lib/money";
import { can } from "@/lib/auth/permissions";
import { feedAudience, recentActivity } from "@/lib/insights/feed";
import { overview } from "@/lib/insights/overview";
import { requirePage } from "../_server/session";
import { LiveFeed } from "./live-feed";

export const metadata: Metadata = { title: "Overview" };

const RANGES = [7, 30, 90] as const;

export default async function OverviewPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const member = await requirePage("/dashboard");
  const wanted = Number((await searchParams).days);
  const days = RANGES.includes(wanted as (typeof RANGES)[number]) ? wanted : 30;
  const [data, feed] = await Promise.all([overview(member.ctx, { days }), recentActivity(member.ctx.db, member.ctx.merchantId, feedAudience(member.ctx.actor))]);
  const t = data.totals;
  const labels = data.series.map((d) => d.day.slice(5).replace("-", "/"));
  const series = (name: string, color: string, key: "members" | "active" | "issued" | "redeemed" | "passesInstalled" | "passesRemoved" | "activePasses") => ({ name, color, values: data.series.map((d) => d[key]) });
  const rate = t.redemptionRate === null ? "—" : `${Math.round(t.redemptionRate * 100)}%`;

  return (
    <>
      <PageHeader
        title="Overview"
        description={`Last ${days} days, in ${data.timezone.replace("_", " ")} time.`}
        actions={
          <nav aria-label="Period" className="flex rounded-lg border border-gray-300 bg-white p-0.5 text-sm">
            {RANGES.map((r) => (
              <a key={r} href={`/dashboard?days=${r}`} aria-current={r === days ? "page" : undefined} className={`rounded-md px-3 py-1.5 ${r === days ? "bg-ink text-white" : "text-gray-700 hover:bg-gray-100"}`}>
                {r} days
              </a>
            ))}
          </nav>
        }
      />
      <dl className="grid grid-cols-2 gap-3 md:grid-cols-3 xl:grid-cols-6" data-testid="overview-stats">
        <Stat label="Members" value={formatNumber(t.members)} />
        <Stat label="Active cards (30 days)" value={formatNumber(t.active30)} hint="Used at least once in 30 days" />
        <Stat label="Points issued" value={formatNumber(t.issued)} />
        <Stat label="Points redeemed" value={formatNumber(t.redeemed)} hint={`Redemption rate ${rate}`} />
        <Stat label="Outstanding points" value={formatNumber(t.liabilityPoints)} hint={t.liabilityCashback ? `+ ${formatMoney(t.liabilityCashback, data.currency)} cashback owed` : "Customers can still spend these"} />
        <Stat label="Passes in a wallet" value={formatNumber(t.activePasses)} hint={`${formatNumber(t.passesInstalled)} installed, ${formatNumber(t.passesRemoved)} removed in ${days} days`} />
      </dl>

      <div className="mt-6 grid gap-6 xl:grid-cols-[1fr_22rem]">
        <div className="space-y-6">
          <CardSection id="members-chart" title="Members">
            <LineChart title="Members and active members per day" labels={labels} series={[series("Members", "#047857", "members"), series("Active that day", "#0369a1", "active")]} />
          </CardSection>
          <CardSection id="points-chart" title="Points issued and redeemed">
            <BarChart title="Points issued and redeemed per day" labels={labels} series={[series("Issued", "#10b981", "issued"), series("Redeemed", "#f59e0b", "redeemed")]} />
          </CardSection>
          <CardSection id="wallet-chart" title="Wallet passes" description="Apple Wallet and Google Wallet passes installed and removed per day, and how many are in a wallet at each day's end.">
            <LineChart title="Passes in a wallet per day" labels={labels} series={[series("In a wallet", "#7c3aed", "activePasses")]} />
            <div className="mt-4">
              <BarChart title="Passes installed and removed per day" labels={labels} series={[series("Installed", "#0d9488", "passesInstalled"), series("Removed", "#dc2626", "passesRemoved")]} />
            </div>
          </CardSection>
        </div>
        <div className="space-y-4">
          <LiveFeed initial={feed} />
          {can(member.ctx.actor, "programs:write") ? (
            <ButtonLink href="/dashboard/programs/new" variant="secondary" className="w-full">
              Create a program
            </ButtonLink>
          ) : null}
        </div>
      </div>
    </>
  );
}
