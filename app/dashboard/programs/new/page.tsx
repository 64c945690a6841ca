import type { Metadata } from "next";
import { PageHeader } from "@/components/ui";
import { listLocations } from "@/lib/locations/verbs";
import { merchantOf } from "@/lib/merchants/verbs";
import { requirePage } from "../../../_server/session";
import { ProgramEditor, defaultDraft } from "../program-editor";

export const metadata: Metadata = { title: "New program" };

export default async function NewProgramPage() {
  const member = await requirePage("/dashboard/programs/new");
  const [merchant, locations] = await Promise.all([merchantOf(member.ctx), listLocations(member.ctx)]);
  return (
    <>
      <PageHeader title="New program" description="Pick how customers earn. You can change rules, tiers and design later." />
      <ProgramEditor
        initial={defaultDraft("points", merchant.currency, merchant.brandColor, merchant.name)}
        businessName={merchant.name}
        logoUrl={merchant.logoUrl}
        locations={locations.map((l) => ({ id: l.id, name: l.name }))}
        canEdit
      />
    </>
  );
}
