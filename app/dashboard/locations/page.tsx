import type { Metadata } from "next";
import { Card, PageHeader } from "@/components/ui";
import { listLocations } from "@/lib/locations/verbs";
import { requirePage } from "../../_server/session";
import { LocationForm } from "./location-form";

export const metadata: Metadata = { title: "Locations" };

export default async function LocationsPage() {
  const member = await requirePage("/dashboard/locations");
  const locations = await listLocations(member.ctx);
  return (
    <>
      <PageHeader title="Locations" description="Where you serve customers. With coordinates, phones offer the wallet card when a member is nearby." />
      <div className="space-y-4">
        {locations.map((l) => (
          <Card key={l.id}>
            <LocationForm location={l} />
          </Card>
        ))}
        <Card>
          <h2 className="mb-3 font-semibold">Add a location</h2>
          <LocationForm />
        </Card>
      </div>
    </>
  );
}
