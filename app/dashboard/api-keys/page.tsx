import type { Metadata } from "next";
import { Badge, Card, PageHeader, formatDate } from "@/components/ui";
import { listApiKeys } from "@/lib/api-keys/verbs";
import { requirePage } from "../../_server/session";
import { CreateApiKey, RevokeApiKey } from "./api-key-controls";

export const metadata: Metadata = { title: "API keys" };

export default async function ApiKeysPage() {
  const member = await requirePage("/dashboard/api-keys");
  const keys = await listApiKeys(member.ctx);
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
          <CreateApiKey />
        </Card>
        <Card>
          <h2 className="mb-3 font-semibold">Keys</h2>
          {keys.length === 0 ? <p className="text-sm text-gray-600">No keys yet.</p> : null}
          <ul className="divide-y divide-gray-100">
            {keys.map((k) => (
              <li key={k.id} className="flex flex-wrap items-center justify-between gap-3 py-3 text-sm">
                <div>
                  <p className="font-medium">
                    {k.name} {k.revokedAt ? <Badge tone="red">revoked</Badge> : <Badge tone="green">active</Badge>}
                  </p>
                  <p className="text-gray-600">
                    <code className="font-mono">{k.prefix}…</code> · created {formatDate(k.createdAt)} · {k.lastUsedAt ? `last used ${formatDate(k.lastUsedAt)}` : "never used"}
                  </p>
                </div>
                {!k.revokedAt ? <RevokeApiKey id={k.id} name={k.name} /> : null}
              </li>
            ))}
          </ul>
        </Card>
      </div>
    </>
  );
}
