import type { Metadata } from "next";
import { LinkPage } from "@/components/card/link-page";
import { isLanguage, translator } from "@/lib/i18n";

export const metadata: Metadata = { robots: { index: false, follow: false } };

// GET /delete-my-data/done — after the deletion: the data is gone and the card no longer works
export default async function DeletedPage({ searchParams }: { searchParams: Promise<{ lang?: string }> }) {
  const { lang } = await searchParams;
  const tr = translator(isLanguage(lang) ? lang : "en");
  return (
    <LinkPage title={tr.t("erase.done.title")}>
      <p role="status">{tr.t("erase.done.body")}</p>
    </LinkPage>
  );
}
