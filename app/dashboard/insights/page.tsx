import type { Metadata } from "next";
import { LineChart } from "@/components/charts";
import { Alert, Button, CardSection, EmptyState, Field, Input, PageHeader, Select, Stat, byName, formatDate, formatNumber } from "@/components/ui";
import { can } from "@/lib/auth/permissions";
import { InsightsQuery, cohortRetention, expiryForecast, insightsOptions, liabilityTrend, moneyMetrics, type PeriodMetrics } from "@/lib/insights/metrics";
import { rfmSummary } from "@/lib/insights/rfm";
import { formatMoney, toMajor } from "@/lib/money";
import { requirePage } from "../../_server/session";
import { CohortHeatMap } from "./cohorts";
import { AtRiskTable, RfmGroups } from "./rfm";
import { WinbackButton } from "./winback-button";

export const metadata: Metadata = { title: "Insights" };

type Search = Record<string, string | string[] | undefined>;

const pct = (v: number | null) => (v === null ? "—" : `${(v * 100).toFixed(v < 0.1 && v > 0 ? 1 : 0)}%`);
const one = (v: number | null) => (v === null ? "—" : v.toFixed(2));

/** "▲ 12% vs 1,234" for counts and money; for rates the change in percentage points. */
function change(cur: number | null, prev: number | null, show: (v: number | null) => string, rate = false): string {
  if (cur === null || prev === null) return `previous: ${show(prev)}`;
  if (rate) {
    const d = (cur - prev) * 100;
    return `${d > 0 ? "▲" : d < 0 ? "▼" : "="} ${Math.abs(d).toFixed(1)} pts vs ${show(prev)}`;
  }
  if (prev === 0) return cur === 0 ? `same as before (${show(prev)})` : `up from ${show(prev)}`;
  const d = ((cur - prev) / prev) * 100;
  return `${d > 0 ? "▲" : d < 0 ? "▼" : "="} ${Math.abs(d).toFixed(0)}% vs ${show(prev)}`;
}

export default async function InsightsPage({ searchParams }: { searchParams: Promise<Search> }) {
  const member = await requirePage("/dashboard/insights");
  const ctx = member.ctx;
  const raw = await searchParams;
  const pick = (k: string) => (typeof raw[k] === "string" && raw[k] !== "" ? (raw[k] as string) : undefined);
  const asked = { programId: pick("program"), locationId: pick("location"), cashierId: pick("cashier"), from: pick("from"), to: pick("to") };
  const parsed = InsightsQuery.safeParse(asked);
  const query = parsed.success ? parsed.data : {};
  const options = await insightsOptions(ctx);
  const known = {
    programId: options.programs.some((p) => p.id === query.programId) ? query.programId : undefined,
    locationId: options.locations.some((l) => l.id === query.locationId) ? query.locationId : undefined,
    cashierId: options.cashiers.some((c) => c.id === query.cashierId) ? query.cashierId : undefined,
    from: query.from,
    to: query.to,
  };
  const rfmProgram = options.programs.find((p) => p.id === known.programId) ?? options.programs.find((p) => p.kind !== "cashback") ?? options.programs[0];

  const [money, cohorts, trend, forecast, rfm] = await Promise.all([
    moneyMetrics(ctx, known),
    cohortRetention(ctx, { programId: known.programId, months: 6 }),
    liabilityTrend(ctx, { programId: known.programId, days: 90 }),
    expiryForecast(ctx, { programId: known.programId }),
    rfmProgram ? rfmSummary(ctx, { programId: rfmProgram.id, limit: 25 }) : Promise.resolve(null),
  ]);
  const { current: cur, previous: prev, currency } = money;
  const money$ = (v: number | null) => (v === null ? "—" : formatMoney(v, currency));
  const stat = (label: string, key: keyof PeriodMetrics, show: (v: number | null) => string, rate = false, hint?: string) => {
    const c = cur[key] as number | null;
    const p = prev[key] as number | null;
    return <Stat label={label} value={show(c)} hint={hint ?? change(c, p, show, rate)} />;
  };
  const filtered = Boolean(known.locationId || known.cashierId);
  const trendLabels = trend.map((d) => d.day.slice(5).replace("-", "/"));
  const liabilityValued = money.liability.points - money.liability.unvaluedPoints;

  return (
    <>
      <PageHeader title="Insights" description={`${cur.from} to ${cur.to} (${money.timezone.replaceAll("_", " ")} time), compared with ${prev.from} to ${prev.to}.`} />

      <form method="get" action="/dashboard/insights" className="mb-6 grid items-end gap-3 rounded-xl border border-gray-200 bg-white p-4 shadow-sm sm:grid-cols-3 lg:grid-cols-6" aria-label="Filters">
        <Field label="Program" htmlFor="f-program">
          <Select id="f-program" name="program" defaultValue={known.programId ?? ""} options={[{ value: "", label: "All programs" }, ...byName(options.programs)]} />
        </Field>
        <Field label="Location" htmlFor="f-location">
          <Select id="f-location" name="location" defaultValue={known.locationId ?? ""} options={[{ value: "", label: "All locations" }, ...byName(options.locations)]} />
        </Field>
        <Field label="Cashier" htmlFor="f-cashier">
          <Select id="f-cashier" name="cashier" defaultValue={known.cashierId ?? ""} options={[{ value: "", label: "Everyone" }, ...byName(options.cashiers)]} />
        </Field>
        <Field label="From" htmlFor="f-from">
          <Input id="f-from" name="from" type="date" defaultValue={cur.from} />
        </Field>
        <Field label="To" htmlFor="f-to">
          <Input id="f-to" name="to" type="date" defaultValue={cur.to} />
        </Field>
        <Button type="submit">Show</Button>
      </form>
      {parsed.success ? null : (
        <div className="mb-4">
          <Alert>Those dates do not make a range (the start must be on or before the end): showing the last 30 days.</Alert>
        </div>
      )}

      <section aria-labelledby="money-heading">
        <h2 id="money-heading" className="mb-3 text-lg font-semibold">
          Visits and money
        </h2>
        <dl className="grid grid-cols-2 gap-3 md:grid-cols-3 xl:grid-cols-5" data-testid="money-stats">
          {stat("Repeat-visit rate", "repeatRate", pct, true)}
          {stat("Visits per member", "visitsPerMember", one)}
          {stat("Spend per visit", "spendPerVisit", money$)}
          {stat("Revenue from members", "revenue", money$)}
          {stat("Members who visited", "visitors", (v) => formatNumber(v ?? 0))}
          {stat("Redemption rate", "redemptionRate", pct, true)}
          {stat("Breakage", "breakage", pct, true, filtered ? "Expired ÷ issued; expiry has no location or cashier" : undefined)}
          <Stat
            label="Outstanding liability"
            value={money$(money.liability.value + money.liability.cashback)}
            hint={
              money.liability.unvaluedPoints > 0
                ? `${formatNumber(money.liability.unvaluedPoints)} points not valued: give their rewards a value`
                : `${formatNumber(liabilityValued)} points${money.liability.cashback ? ` + ${formatMoney(money.liability.cashback, currency)} cashback` : ""} at the catalogue's cost per point`
            }
          />
          <Stat label="Points expiring in 30 days" value={formatNumber(forecast.next30)} hint={`worth ${formatMoney(forecast.value30, currency)}`} />
          <Stat label="Points expiring in 90 days" value={formatNumber(forecast.next90)} hint={`worth ${formatMoney(forecast.value90, currency)}`} />
        </dl>
      </section>

      <div className="mt-6 grid gap-6 xl:grid-cols-2 [&>*]:min-w-0">
        <CardSection
          id="liability-chart"
          title="Liability over 90 days"
          description="Points customers hold at each day's end, valued at today's cost per point (what the rewards they can buy cost you, per point)."
        >
          <LineChart title={`Outstanding liability in ${currency} per day`} labels={trendLabels} series={[{ name: `Liability (${currency})`, color: "#b45309", values: trend.map((d) => toMajor(d.value, currency)) }]} />
          <div className="mt-4">
            <LineChart title="Outstanding points per day" labels={trendLabels} series={[{ name: "Points held", color: "#047857", values: trend.map((d) => d.points) }]} />
          </div>
        </CardSection>
        <CardSection id="cohorts" title="Monthly cohort retention" description="Members by the month they joined, and the share of them who visited in each month after.">
          <CohortHeatMap rows={cohorts.rows} />
        </CardSection>
      </div>

      <section aria-labelledby="rfm-heading" className="mt-8">
        <h2 id="rfm-heading" className="mb-1 text-lg font-semibold">
          Members by recency, frequency and spend{rfmProgram ? `: ${rfmProgram.name}` : ""}
        </h2>
        {!rfm || !rfmProgram ? (
          <EmptyState title="No program yet">Create a program to see its members grouped here.</EmptyState>
        ) : (
          <>
            <p className="mb-4 text-sm text-gray-600">
              Scores as of {formatDate(rfm.asOf, money.timezone)} (made once a day). Each member scored 1–5 by quintile on their last visit, number of visits and{" "}
              {rfm.monetaryIsMoney ? "spend" : "points earned"}
              {rfm.withoutVisits > 0 ? `; ${formatNumber(rfm.withoutVisits)} members who never visited are left out` : ""}.{" "}
              {rfm.model
                ? `Churn model (BG/NBD) fitted to ${formatNumber(rfm.model.members)} members: about ${formatNumber(Math.round(rfm.expected90Total ?? 0))} visits expected in the next 90 days.`
                : "Too little history yet to fit the churn model."}
            </p>
            <div className="grid gap-6 [&>*]:min-w-0">
              <CardSection id="rfm-groups" title="Groups">
                <RfmGroups groups={rfm.groups} currency={rfm.currency} money={rfm.monetaryIsMoney} />
              </CardSection>
              <CardSection
                id="at-risk"
                title="At risk"
                description="Members who used to come and spend and have gone quiet (at risk and can't lose), best spenders first, with the model's chance they are still a customer."
              >
                {can(ctx.actor, "campaigns:write") && rfmProgram.kind !== "cashback" ? (
                  <div className="mb-4 flex flex-wrap items-start gap-3">
                    <WinbackButton programId={rfmProgram.id} group="at_risk" label="Win back “At risk”" />
                    <WinbackButton programId={rfmProgram.id} group="cant_lose" label="Win back “Can't lose”" />
                  </div>
                ) : null}
                <AtRiskTable rows={rfm.atRisk} currency={rfm.currency} money={rfm.monetaryIsMoney} timezone={money.timezone} />
              </CardSection>
            </div>
          </>
        )}
      </section>
    </>
  );
}
