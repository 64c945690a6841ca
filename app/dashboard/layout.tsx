import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { pageAccess, type PageRoute } from "@/lib/auth/routes";
import { ROLE_LABELS } from "@/lib/team/verbs";
import { currentMember, redirectForSecondFactor } from "../_server/session";
import { AccountMenu } from "./account-menu";
import { NavLinks, type NavItem } from "./nav";
import { WalletCredentialsBanner } from "./settings/wallet-credentials";

export const metadata: Metadata = { title: { default: "Dashboard", template: "%s · Keepcard" }, robots: { index: false } };

const NAV: Array<{ route: PageRoute; label: string }> = [
  { route: "/dashboard", label: "Overview" },
  { route: "/dashboard/insights", label: "Insights" },
  { route: "/dashboard/programs", label: "Programs" },
  { route: "/dashboard/rewards", label: "Rewards" },
  { route: "/dashboard/partner", label: "Partner rewards" },
  { route: "/dashboard/members", label: "Members" },
  { route: "/dashboard/campaigns", label: "Campaigns" },
  { route: "/dashboard/vouchers", label: "Vouchers" },
  { route: "/dashboard/claim-codes", label: "Claim codes" },
  { route: "/dashboard/automations", label: "Automations" },
  { route: "/dashboard/segments", label: "Segments" },
  { route: "/dashboard/goals", label: "Goals" },
  { route: "/dashboard/locations", label: "Locations" },
  { route: "/dashboard/team", label: "Team" },
  { route: "/dashboard/api-keys", label: "API keys" },
  { route: "/dashboard/webhooks", label: "Webhooks" },
  { route: "/dashboard/connectors", label: "Connectors" },
  { route: "/dashboard/payouts", label: "Payouts" },
  { route: "/dashboard/reports", label: "Reports" },
  { route: "/dashboard/flags", label: "Flags" },
  { route: "/dashboard/jobs", label: "Jobs" },
  { route: "/dashboard/audit", label: "Audit log" },
  { route: "/dashboard/settings", label: "Settings" },
];

export default async function DashboardLayout({ children }: { children: React.ReactNode }) {
  const state = await currentMember();
  redirectForSecondFactor(state, "/dashboard");
  const { user, member } = state;
  if (!user) redirect("/sign-in?callbackUrl=/dashboard");
  if (!member) redirect("/onboarding");
  const access = pageAccess(true, member.role, "/dashboard/programs");
  if (access.kind === "scanner") redirect("/staff");

  const items: NavItem[] = NAV.filter((n) => pageAccess(true, member.role, n.route).kind === "ok").map((n) => ({ href: n.route, label: n.label }));
  const scanner = pageAccess(true, member.role, "/staff").kind === "ok";

  return (
    <div className="min-h-dvh bg-gray-50 lg:grid lg:grid-cols-[15rem_minmax(0,1fr)]">
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2">
        Skip to content
      </a>
      {/* The column runs the whole height of the page; its content stays in view while the page scrolls. */}
      <aside className="sticky top-0 z-30 border-b border-gray-200 bg-white lg:static lg:border-b-0 lg:border-r">
        <details className="group lg:hidden">
          <summary className="flex cursor-pointer list-none items-center justify-between gap-3 px-4 py-3 [&::-webkit-details-marker]:hidden">
            <Brand name={member.membership.merchantName} color={member.membership.brandColor} logo={member.membership.logoUrl} />
            <span className="inline-flex items-center gap-1.5 rounded-md border border-gray-300 px-2.5 py-1 text-sm font-medium">
              <svg aria-hidden viewBox="0 0 16 16" className="size-4" fill="none" stroke="currentColor" strokeWidth="1.75" strokeLinecap="round">
                <path d="M2.5 4h11M2.5 8h11M2.5 12h11" className="group-open:hidden" />
                <path d="M4 4l8 8M12 4l-8 8" className="hidden group-open:block" />
              </svg>
              Menu
            </span>
          </summary>
          <nav aria-label="Dashboard" className="max-h-[calc(100dvh-3.75rem)] overflow-y-auto border-t border-gray-100 px-3 pt-2 pb-4">
            <NavLinks items={items} />
            {scanner ? <ScannerLink /> : null}
            <div className="mt-4">
              <p className="mb-2 text-xs text-gray-600">Signed in as {ROLE_LABELS[member.role].name.toLowerCase()}</p>
              <AccountMenu email={user.email ?? ""} current={member.membership.merchantId} merchants={member.memberships.map((m) => ({ id: m.merchantId, name: m.merchantName }))} />
            </div>
          </nav>
        </details>
        <div className="hidden gap-6 p-4 lg:sticky lg:top-0 lg:flex lg:h-dvh lg:flex-col">
          <Brand name={member.membership.merchantName} color={member.membership.brandColor} logo={member.membership.logoUrl} />
          <nav aria-label="Dashboard" className="-mx-1 flex-1 overflow-y-auto px-1">
            <NavLinks items={items} />
            {scanner ? <ScannerLink /> : null}
          </nav>
          <div>
            <p className="mb-2 text-xs text-gray-600">Signed in as {ROLE_LABELS[member.role].name.toLowerCase()}</p>
            <AccountMenu email={user.email ?? ""} current={member.membership.merchantId} merchants={member.memberships.map((m) => ({ id: m.merchantId, name: m.merchantName }))} />
          </div>
        </div>
      </aside>
      <main id="main" className="min-w-0 px-4 py-6 sm:px-8 lg:py-8">
        <div className="mx-auto max-w-6xl">
          <WalletCredentialsBanner />
          {children}
        </div>
      </main>
    </div>
  );
}

function Brand({ name, color, logo }: { name: string; color: string; logo: string | null }) {
  return (
    <Link href="/dashboard" className="flex min-w-0 items-center gap-2 font-semibold">
      {logo ? (
        // eslint-disable-next-line @next/next/no-img-element
        <img src={logo} alt="" className="size-8 rounded-lg object-contain" />
      ) : (
        <span aria-hidden className="grid size-8 shrink-0 place-items-center rounded-lg text-white" style={{ background: color }}>
          {name.slice(0, 1).toUpperCase()}
        </span>
      )}
      <span className="truncate">{name}</span>
    </Link>
  );
}

function ScannerLink() {
  return (
    <Link href="/staff" className="mt-4 block rounded-lg border border-gray-300 px-3 py-2 text-center text-sm font-medium hover:bg-gray-50">
      Open the scanner
    </Link>
  );
}
