import type { Metadata } from "next";
import { dbReady } from "@/db/client";
import { LinkPage } from "@/components/card/link-page";
import { customerOfLink } from "@/lib/customers/self-service";
import { translator } from "@/lib/i18n";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { robots: { index: false, follow: false }, referrer: "no-referrer" };

// GET /delete-my-data/{token} — the link from the deletion email: says what will go and asks to confirm (a POST)
export default async function DeleteMyDataPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const found = await customerOfLink(await dbReady(), "erase", token);
  if (!found) {
    const tr = translator("en");
    return (
      <LinkPage title={tr.t("erase.invalid.title")}>
        <p>{tr.t("erase.invalid.body")}</p>
      </LinkPage>
    );
  }
  const tr = translator(found.customer.language);
  return (
    <LinkPage
      merchant={found.merchantName}
      title={tr.t("erase.title")}
      action={{ url: `/delete-my-data/${token}/confirm`, label: tr.t("erase.button"), danger: true }}
    >
      <p>{tr.t("erase.body", { merchant: found.merchantName, program: found.programName ?? "—" })}</p>
      <p className="text-sm text-gray-600">{found.customer.email}</p>
    </LinkPage>
  );
}
