import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { pageAccess, type PageRoute } from "@/lib/auth/routes";
import { ROLE_LABELS } from "@/lib/team/verbs";
import { currentMember } from "../_server/session";
import { AccountMenu } from "./account-menu";
import { NavLinks, type NavItem } from "./nav";
import { WalletCredentialsBanner } from "./settings/wallet-credentials";

export const metadata: Metadata = { title: { default: "Dashboard", template: "%s · Keepcard" }, robots: { index: false } };

const NAV: Array<{ route: PageRoute; label: string }> = [
  { route: "/dashboard", label: "Overview" },
  { route: "/dashboard/programs", label: "Programs" },
  { route: "/dashboard/rewards", label: "Rewards" },
  { route: "/dashboard/members", label: "Members" },
  { route: "/dashboard/campaigns", label: "Campaigns" },
  { route: "/dashboard/locations", label: "Locations" },
  { route: "/dashboard/team", label: "Team" },
  { route: "/dashboard/api-keys", label: "API keys" },
  { route: "/dashboard/webhooks", label: "Webhooks" },
  { route: "/dashboard/payouts", label: "Payouts" },
  { route: "/dashboard/jobs", label: "Jobs" },
  { route: "/dashboard/audit", label: "Audit log" },
  { route: "/dashboard/settings", label: "Settings" },
];

export default async function DashboardLayout({ children }: { children: React.ReactNode }) {
  const { user, member } = await currentMember();
  if (!user) redirect("/sign-in?callbackUrl=/dashboard");
  if (!member) redirect("/onboarding");
  const access = pageAccess(true, member.role, "/dashboard/programs");
  if (access.kind === "scanner") redirect("/staff");

  const items: NavItem[] = NAV.filter((n) => pageAccess(true, member.role, n.route).kind === "ok").map((n) => ({ href: n.route, label: n.label }));
  const scanner = pageAccess(true, member.role, "/staff").kind === "ok";

  return (
    <div className="min-h-dvh bg-gray-50 lg:grid lg:grid-cols-[15rem_1fr]">
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2">
        Skip to content
      </a>
      <aside className="border-b border-gray-200 bg-white lg:sticky lg:top-0 lg:h-dvh lg:border-b-0 lg:border-r">
        <details className="group lg:hidden">
          <summary className="flex cursor-pointer list-none items-center justify-between px-4 py-3">
            <Brand name={member.membership.merchantName} color={member.membership.brandColor} logo={member.membership.logoUrl} />
            <span className="rounded-md border border-gray-300 px-2 py-1 text-sm">Menu</span>
          </summary>
          <nav aria-label="Dashboard" className="px-3 pb-4">
            <NavLinks items={items} />
            {scanner ? <ScannerLink /> : null}
            <div className="mt-4">
              <AccountMenu email={user.email ?? ""} current={member.membership.merchantId} merchants={member.memberships.map((m) => ({ id: m.merchantId, name: m.merchantName }))} />
            </div>
          </nav>
        </details>
        <div className="hidden h-full flex-col gap-6 p-4 lg:flex">
          <Brand name={member.membership.merchantName} color={member.membership.brandColor} logo={member.membership.logoUrl} />
          <nav aria-label="Dashboard" className="flex-1 overflow-y-auto">
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
