import type { Metadata } from "next";
import { Card, PageHeader } from "@/components/ui";
import { merchantOf } from "@/lib/merchants/verbs";
import { requirePage } from "../../_server/session";
import { SettingsForm } from "./settings-form";
import { WalletCredentials } from "./wallet-credentials";

export const metadata: Metadata = { title: "Settings" };

export default async function SettingsPage() {
  const member = await requirePage("/dashboard/settings");
  const { name, brandColor, currency, timezone, logoUrl, websiteUrl, phone, termsUrl } = await merchantOf(member.ctx);
  return (
    <>
      <PageHeader title="Settings" description="Your business as customers see it on cards, emails and the join page." />
      <Card>
        <SettingsForm initial={{ name, brandColor, currency, timezone, logoUrl, websiteUrl: websiteUrl ?? "", phone: phone ?? "", termsUrl: termsUrl ?? "" }} />
      </Card>
      <WalletCredentials />
    </>
  );
}
