import type { Metadata } from "next";
import { CardSection, PageHeader } from "@/components/ui";
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
      <div className="space-y-6">
        {locations.length > 0 ? (
          <CardSection id="locations" title={locations.length === 1 ? "Your location" : `Your ${locations.length} locations`}>
            <ul className="divide-y divide-gray-100">
              {locations.map((l) => (
                <li key={l.id} className="py-4 first:pt-0 last:pb-0">
                  <LocationForm location={l} />
                </li>
              ))}
            </ul>
          </CardSection>
        ) : null}
        <CardSection id="new-location" title="Add a location">
          <LocationForm />
        </CardSection>
      </div>
    </>
  );
}
