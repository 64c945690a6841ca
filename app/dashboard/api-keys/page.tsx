import type { Metadata } from "next";
import { DateCell, StatusBadge } from "@/components/cells";
import { DataTable, type Column } from "@/components/data-table";
import { ActionButton } from "@/components/form";
import { Card, CardSection, PageHeader, byName } from "@/components/ui";
import type { ApiKey } from "@/db/schema";
import { listApiKeys } from "@/lib/api-keys/verbs";
import { listLocations } from "@/lib/locations/verbs";
import { merchantOf } from "@/lib/merchants/verbs";
import { requirePage } from "../../_server/session";
import { revokeApiKeyAction } from "./actions";
import { CreateApiKey } from "./api-key-controls";

export const metadata: Metadata = { title: "API keys" };

const columns = (tz: string, locationName: (id: string) => string): Column<ApiKey>[] => [
  { id: "name", header: "Name", cell: (k) => <span className="font-medium">{k.name}</span>, sort: (k) => k.name },
  { id: "key", header: "Key", cell: (k) => <code className="font-mono">{k.prefix}…</code> },
  { id: "scopes", header: "Scopes", cell: (k) => <span className="font-mono text-xs">{k.scopes.join(", ")}</span> },
  { id: "location", header: "Location", cell: (k) => (k.locationId ? locationName(k.locationId) : <span className="text-gray-600">Any</span>) },
  { id: "status", header: "Status", cell: (k) => <StatusBadge status={k.revokedAt ? "revoked" : "active"} />, sort: (k) => (k.revokedAt ? 1 : 0) },
  { id: "created", header: "Created", cell: (k) => <DateCell value={k.createdAt} timeZone={tz} />, sort: (k) => k.createdAt },
  { id: "used", header: "Last used", cell: (k) => <DateCell value={k.lastUsedAt} timeZone={tz} empty="never" />, sort: (k) => k.lastUsedAt },
  {
    id: "actions",
    header: "Actions",
    hideHeader: true,
    cell: (k) =>
      k.revokedAt ? null : (
        <ActionButton action={revokeApiKeyAction} input={{ apiKeyId: k.id }} confirm={`Revoke “${k.name}”? Anything using it stops working at once.`} aria-label={`Revoke ${k.name}`}>
          Revoke
        </ActionButton>
      ),
    className: "text-right",
  },
];

export default async function ApiKeysPage() {
  const member = await requirePage("/dashboard/api-keys");
  const [keys, merchant, locations] = await Promise.all([listApiKeys(member.ctx), merchantOf(member.ctx), listLocations(member.ctx)]);
  const names = new Map(locations.map((l) => [l.id, l.name]));
  const locationName = (id: string) => names.get(id) ?? "A deleted location";
  return (
    <>
      <PageHeader
        title="API keys"
        description={
          <>
            For your point of sale or online shop. See the <a href="/api/v1/openapi.json" className="underline">API reference</a>.
          </>
        }
      />
      <div className="space-y-6">
        <Card>
          <CreateApiKey locations={byName(locations)} />
        </Card>
        <CardSection id="keys" title="Keys">
          <DataTable caption="API keys, newest first" columns={columns(merchant.timezone, locationName)} rows={keys} rowKey={(k) => k.id} empty={<p className="text-sm text-gray-600">No keys yet.</p>} inset />
        </CardSection>
      </div>
    </>
  );
}
