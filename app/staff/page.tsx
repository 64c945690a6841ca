import type { Metadata, Viewport } from "next";
import Link from "next/link";
import { listLocations } from "@/lib/locations/verbs";
import { merchantOf } from "@/lib/merchants/verbs";
import { pageAccess } from "@/lib/auth/routes";
import { requirePage } from "../_server/session";
import { Scanner } from "./scanner";

export const metadata: Metadata = {
  title: "Scanner",
  manifest: "/staff/manifest.webmanifest",
  appleWebApp: { capable: true, title: "Keepcard Scanner", statusBarStyle: "black-translucent" },
  icons: { apple: "/staff/icon/192" },
  robots: { index: false },
};

export const viewport: Viewport = { themeColor: "#111827", width: "device-width", initialScale: 1, viewportFit: "cover" };

export default async function StaffPage() {
  const member = await requirePage("/staff");
  const [locations, merchant] = await Promise.all([listLocations(member.ctx), merchantOf(member.ctx)]);
  const dashboard = pageAccess(true, member.role, "/dashboard").kind === "ok";
  return (
    <div className="min-h-dvh bg-gray-900">
      <Scanner merchantName={member.membership.merchantName} currency={merchant.currency} locations={locations.map((l) => ({ id: l.id, name: l.name }))} />
      {dashboard ? (
        <p className="pb-6 text-center">
          <Link href="/dashboard" className="text-sm text-gray-300 underline">
            Back to the dashboard
          </Link>
        </p>
      ) : null}
    </div>
  );
}
