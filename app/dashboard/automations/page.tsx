import type { Metadata } from "next";
import Link from "next/link";
import { BarChart } from "@/components/charts";
import { DataTable, type Column } from "@/components/data-table";
import { Badge, CardSection, EmptyState, PageHeader, formatNumber } from "@/components/ui";
import { can } from "@/lib/auth/permissions";
import { getAutomations, type Automations } from "@/lib/lifecycle/automations";
import { referralLeaderboard, type LeaderboardRow } from "@/lib/lifecycle/referral-reads";
import { AFTER_WINDOW_DAYS, weeklyGrants, type AutomationStats } from "@/lib/lifecycle/stats";
import { merchantOf } from "@/lib/merchants/verbs";
import { formatMoney } from "@/lib/money";
import { listPrograms } from "@/lib/programs/verbs";
import { listRewards } from "@/lib/rewards/verbs";
import { requirePage } from "../../_server/session";
import { BirthdayForm, ReferralForm, WelcomeForm, WinbackForm } from "./automation-forms";

export const metadata: Metadata = { title: "Automations" };

const COLORS = { welcome: "#0ea5e9", birthday: "#db2777", referral: "#16a34a", winback: "#d97706" } as const;

/** Who "qualifies this week" means, per automation. */
const QUALIFIES = {
  welcome: "Joined in the last 7 days (each got the bonus on joining while it was on).",
  birthday: "Birthday gift falls due in the next 7 days and not yet given this year.",
  referral: "Joined through a friend's link and still to make a qualifying purchase.",
  winback: "Reach the days without a visit within 7 days (or already have) and have not had the offer since their last visit.",
} as const;

export default async function AutomationsPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const member = await requirePage("/dashboard/automations");
  const asked = (await searchParams).program;
  const programs = (await listPrograms(member.ctx)).filter((p) => p.status !== "archived");
  if (programs.length === 0) {
    return (
      <>
        <PageHeader title="Automations" />
        <EmptyState title="No program yet">Create a program first: automations run on one program.</EmptyState>
      </>
    );
  }
  const program = programs.find((p) => p.id === asked) ?? programs[0]!;
  const at = new Date();
  const [automations, merchant, rewards, leaderboard, weekly] = await Promise.all([
    getAutomations(member.ctx, program.id, at),
    merchantOf(member.ctx),
    listRewards(member.ctx, { programId: program.id }),
    can(member.ctx.actor, "customers:read") ? referralLeaderboard(member.ctx, { programId: program.id }) : [],
    weeklyGrants(member.ctx, program.id, at),
  ]);
  const canEdit = can(member.ctx.actor, "automations:write");
  const unit = program.kind === "stamps" ? "stamps" : program.kind === "cashback" ? `${program.currency} cashback` : "points";
  const amount = (n: number) => (program.kind === "cashback" ? formatMoney(n, program.currency) : `${formatNumber(n)} ${unit}`);
  const money = (n: number) => formatMoney(n, program.currency);
  const common = { programId: program.id, kind: program.kind, currency: program.currency, canEdit };
  const tz = merchant.timezone;
  const weekLabels = weekly.starts.map((d) => d.toLocaleDateString("en-US", { month: "short", day: "numeric", timeZone: tz }));

  return (
    <>
      <PageHeader
        title="Automations"
        description={`Bonuses that run by themselves for ${program.name}. Each can be switched off without losing its settings; amounts are in ${unit}. “What followed” counts the visits and purchase spend on the recipients' cards in the ${AFTER_WINDOW_DAYS} days after each grant (the purchase that earned a referral not counted): it is not a measured lift, as some of them would have come anyway.`}
      />
      {programs.length > 1 ? (
        <nav aria-label="Programs" className="mb-6 flex flex-wrap gap-2 text-sm">
          {programs.map((p) => (
            <Link
              key={p.id}
              href={`/dashboard/automations?program=${p.id}`}
              aria-current={p.id === program.id ? "page" : undefined}
              className={p.id === program.id ? "rounded-full bg-brand-700 px-3 py-1 font-medium text-white" : "rounded-full border border-gray-300 bg-white px-3 py-1 font-medium hover:bg-gray-50"}
            >
              {p.name}
            </Link>
          ))}
        </nav>
      ) : null}

      <div className="space-y-6">
        <CardSection id="given" title="Given per week" description="Bonuses and vouchers the automations gave in the last 8 weeks, by the week they were given.">
          {Object.values(weekly.counts).some((week) => week.some((n) => n > 0)) ? (
            <BarChart
              title="Automation grants per week"
              labels={weekLabels}
              series={(["welcome", "birthday", "referral", "winback"] as const).map((k) => ({ name: TITLES[k], color: COLORS[k], values: weekly.counts[k] }))}
            />
          ) : (
            <p className="text-sm text-gray-600">Nothing given in the last 8 weeks.</p>
          )}
        </CardSection>

        <Automation amount={amount} money={money} name="welcome" automations={automations} summary={automations.welcome.enabled ? `${amount(automations.welcome.bonus)} when a member joins.` : "A bonus when a member joins."}>
          <WelcomeForm {...common} initial={automations.welcome} />
        </Automation>

        <Automation
          amount={amount}
          money={money}
          name="birthday"
          automations={automations}
          summary={`${automations.birthday.rewardId ? `A voucher for “${rewards.find((r) => r.id === automations.birthday.rewardId)?.name ?? "a reward"}”` : automations.birthday.bonus > 0 ? amount(automations.birthday.bonus) : "A gift"} ${automations.birthday.daysBefore === 0 ? "on the birthday" : `${automations.birthday.daysBefore} days before the birthday`}, once a year, for members who gave their birthday.`}
        >
          <BirthdayForm {...common} initial={automations.birthday} rewards={rewards.filter((r) => r.active).map((r) => ({ id: r.id, name: r.name }))} />
        </Automation>

        <Automation
          amount={amount}
          money={money}
          name="referral"
          automations={automations}
          summary={`Both sides are credited after the new member's first purchase of at least ${money(automations.referral.minPurchase)}: ${amount(automations.referral.referrerBonus)} for the member who shared their link, ${amount(automations.referral.refereeBonus)} for the new member. ${automations.referral.monthlyCap === null ? "No cap per referrer." : `At most ${automations.referral.monthlyCap} credited referrals per referrer per calendar month (${tz.replace(/_/g, " ")} time); over it the new member is still credited.`} Someone referring themselves (same customer, email or phone) is refused.`}
        >
          <ReferralForm {...common} initial={automations.referral} />
          <div className="mt-6">
            <h3 className="mb-2 text-sm font-semibold" id="leaderboard-title">
              Referral leaderboard
            </h3>
            <DataTable
              caption="Top referrers of this program"
              columns={leaderColumns(amount)}
              rows={leaderboard}
              rowKey={(r) => r.cardId}
              empty={<p className="border-t border-gray-100 py-4 text-center text-sm text-gray-600">No referrals yet. Members find their share link and QR code on their card page and on the back of their pass.</p>}
              inset
            />
          </div>
        </Automation>

        <Automation
          amount={amount}
          money={money}
          name="winback"
          automations={automations}
          summary={`${automations.winback.bonus > 0 ? amount(automations.winback.bonus) : "A bonus"} and an email (to those who accepted marketing) after ${automations.winback.days} days without a visit; once per spell of absence — a visit starts a new one.`}
        >
          <WinbackForm {...common} initial={automations.winback} />
        </Automation>
      </div>
    </>
  );
}

function Automation({
  name,
  automations,
  summary,
  amount,
  money,
  children,
}: {
  name: keyof typeof QUALIFIES;
  automations: Automations;
  summary: string;
  amount: (n: number) => string;
  money: (n: number) => string;
  children: React.ReactNode;
}) {
  const a = automations[name];
  return (
    <CardSection
      id={`automation-${name}`}
      title={
        <span className="flex items-center gap-2">
          {TITLES[name]} <Badge tone={a.enabled ? "green" : "gray"}>{a.enabled ? "On" : "Off"}</Badge>
        </span>
      }
      description={summary}
    >
      <Numbers name={name} stats={a.stats} amount={amount} money={money} />
      <div className="mt-5">{children}</div>
    </CardSection>
  );
}

const TITLES = { welcome: "Welcome bonus", birthday: "Birthday", referral: "Referrals", winback: "Win-back" } as const;

function Numbers({ name, stats, amount, money }: { name: keyof typeof QUALIFIES; stats: AutomationStats; amount: (n: number) => string; money: (n: number) => string }) {
  const given = [stats.cost.points > 0 ? amount(stats.cost.points) : null, stats.cost.vouchers > 0 ? `${formatNumber(stats.cost.vouchers)} vouchers` : null].filter(Boolean).join(" + ") || "nothing yet";
  return (
    <dl className="grid gap-3 sm:grid-cols-3" data-testid={`automation-${name}-numbers`}>
      <div className="rounded-lg border border-gray-200 p-3">
        <dt className="text-sm text-gray-600">Qualifies this week</dt>
        <dd className="mt-1 text-2xl font-semibold tabular-nums">{formatNumber(stats.qualifying.count)}</dd>
        <dd className="mt-1 text-xs text-gray-600">{QUALIFIES[name]}</dd>
        {stats.qualifying.members.length > 0 ? (
          <dd className="mt-2 text-sm">
            <ul className="flex flex-wrap gap-x-3 gap-y-1">
              {stats.qualifying.members.map((m) => (
                <li key={m.cardId}>
                  <Link className="text-brand-700 underline" href={`/dashboard/members/${m.customerId}`}>
                    {m.name}
                  </Link>
                </li>
              ))}
              {stats.qualifying.count > stats.qualifying.members.length ? <li className="text-gray-600">and {formatNumber(stats.qualifying.count - stats.qualifying.members.length)} more</li> : null}
            </ul>
          </dd>
        ) : null}
      </div>
      <div className="rounded-lg border border-gray-200 p-3">
        <dt className="text-sm text-gray-600">Cost so far</dt>
        <dd className="mt-1 text-2xl font-semibold tabular-nums">{given}</dd>
        <dd className="mt-1 text-xs text-gray-600">
          {formatNumber(stats.cost.grants)} grants to {formatNumber(stats.cost.members)} members
        </dd>
      </div>
      <div className="rounded-lg border border-gray-200 p-3">
        <dt className="text-sm text-gray-600">What followed</dt>
        <dd className="mt-1 text-2xl font-semibold tabular-nums">
          {formatNumber(stats.after.visits)} visits · {money(stats.after.spend)}
        </dd>
        <dd className="mt-1 text-xs text-gray-600">On the recipients&apos; cards in the {stats.after.windowDays} days after each grant; not a measured lift.</dd>
      </div>
    </dl>
  );
}

function leaderColumns(amount: (n: number) => string): Column<LeaderboardRow>[] {
  return [
    {
      id: "member",
      header: "Member",
      cell: (r) => (
        <Link className="font-medium text-brand-700 underline" href={`/dashboard/members/${r.customerId}`}>
          {r.name}
        </Link>
      ),
      sort: (r) => r.name,
    },
    { id: "referred", header: "Referred", align: "right", cell: (r) => formatNumber(r.referred), sort: (r) => r.referred },
    { id: "credited", header: "Credited", align: "right", cell: (r) => formatNumber(r.credited), sort: (r) => r.credited },
    { id: "pending", header: "Pending", align: "right", cell: (r) => formatNumber(r.pending), sort: (r) => r.pending },
    { id: "earned", header: "Earned by referring", align: "right", cell: (r) => amount(r.points), sort: (r) => r.points },
  ];
}
