import type { Metadata } from "next";
import { dbReady } from "@/db/client";
import { LinkPage } from "@/components/card/link-page";
import { customerOfLink } from "@/lib/customers/self-service";
import { translator } from "@/lib/i18n";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { robots: { index: false, follow: false }, referrer: "no-referrer" };

// GET /email/unsubscribe/{token}/confirm — asks before unsubscribing; says so once done
export default async function UnsubscribePage({ params, searchParams }: { params: Promise<{ token: string }>; searchParams: Promise<{ done?: string }> }) {
  const { token } = await params;
  const { done } = await searchParams;
  const found = await customerOfLink(await dbReady(), "unsubscribe", token);
  if (!found) {
    const tr = translator("en");
    return (
      <LinkPage title={tr.t("unsubscribe.invalid.title")}>
        <p>{tr.t("unsubscribe.invalid.body")}</p>
      </LinkPage>
    );
  }
  const tr = translator(found.customer.language);
  const merchant = found.merchantName;
  if (done === "1" && !found.customer.marketingConsentAt) {
    return (
      <LinkPage merchant={merchant} title={tr.t("unsubscribe.done.title")}>
        <p role="status">{tr.t("unsubscribe.done.body", { merchant })}</p>
        {found.cardToken && (
          <p>
            <a className="font-medium underline" href={`/c/${found.cardToken}`}>
              {tr.t("email.open_my_card")}
            </a>
          </p>
        )}
      </LinkPage>
    );
  }
  return (
    <LinkPage merchant={merchant} title={tr.t("unsubscribe.title")} action={{ url: `/email/unsubscribe/${token}`, label: tr.t("unsubscribe.button"), fields: { from: "page" } }}>
      <p>{tr.t("unsubscribe.body", { merchant })}</p>
      <p className="text-sm text-gray-600">{found.customer.email}</p>
    </LinkPage>
  );
}
