import type { Metadata } from "next";
import Link from "next/link";
import { Badge, Card, PageHeader } from "@/components/ui";
import { getConnector, PROVIDERS } from "@/lib/integrations/connectors";
import { listPrograms } from "@/lib/programs/verbs";
import { requirePage } from "../../_server/session";
import { GUIDES } from "./guide";

export const metadata: Metadata = { title: "Connectors" };

export default async function ConnectorsPage() {
  const member = await requirePage("/dashboard/connectors");
  const [connectors, programs] = await Promise.all([Promise.all(PROVIDERS.map((p) => getConnector(member.ctx, p))), listPrograms(member.ctx)]);
  const programName = new Map(programs.map((p) => [p.id, p.name]));
  return (
    <>
      <PageHeader title="Connectors" description="Purchases in your shop system earn points by themselves, and refunds take them back: no developer needed." />
      <ul className="grid gap-4 md:grid-cols-3">
        {PROVIDERS.map((provider, i) => {
          const c = connectors[i];
          return (
            <li key={provider}>
              <Card className="h-full p-5">
                <h2 className="text-lg font-semibold">
                  <Link href={`/dashboard/connectors/${provider}`} className="text-brand-800 underline-offset-2 hover:underline">
                    {GUIDES[provider].label}
                  </Link>
                </h2>
                <p className="mt-1 text-sm text-gray-700">{GUIDES[provider].summary}</p>
                <p className="mt-3 text-sm text-gray-700">
                  {c ? (
                    <>
                      <Badge tone={c.hasSecret ? "green" : "amber"}>{c.hasSecret ? "connected" : "secret missing"}</Badge> to {programName.get(c.programId) ?? "a program"}
                    </>
                  ) : (
                    <Badge>not set up</Badge>
                  )}
                </p>
              </Card>
            </li>
          );
        })}
      </ul>
    </>
  );
}
