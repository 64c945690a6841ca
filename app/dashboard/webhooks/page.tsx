import type { Metadata } from "next";
import { Badge, Card, PageHeader, formatDate } from "@/components/ui";
import { merchantOf } from "@/lib/merchants/verbs";
import { WEBHOOK_EVENTS, deliveryAttempts, listDeliveries, listEndpoints } from "@/lib/webhooks/endpoints";
import { requirePage } from "../../_server/session";
import { CreateEndpoint, EndpointToggle, ReplayDelivery } from "./webhook-controls";

export const metadata: Metadata = { title: "Webhooks" };

const DELIVERY_TONE = { pending: "blue", delivered: "green", failed: "red" } as const;

export default async function WebhooksPage() {
  const member = await requirePage("/dashboard/webhooks");
  const [endpoints, deliveries, merchant] = await Promise.all([listEndpoints(member.ctx), listDeliveries(member.ctx, { limit: 50 }), merchantOf(member.ctx)]);
  const tz = merchant.timezone;
  const attempts = new Map(await Promise.all(deliveries.map(async (d) => [d.id, d.attempts > 0 ? await deliveryAttempts(member.ctx, d.id) : []] as const)));
  const urlOf = new Map(endpoints.map((e) => [e.id, e.url]));

  return (
    <>
      <PageHeader
        title="Webhooks"
        description="Keepcard tells your systems when something happens: a signed POST (Standard Webhooks) for each event you pick, retried with back-off until your endpoint answers 2xx."
      />
      <div className="space-y-6">
        <Card aria-labelledby="new-endpoint-title">
          <h2 id="new-endpoint-title" className="mb-3 font-semibold">
            Add an endpoint
          </h2>
          <CreateEndpoint events={[...WEBHOOK_EVENTS]} />
        </Card>

        <Card aria-labelledby="endpoints-title">
          <h2 id="endpoints-title" className="mb-3 font-semibold">
            Endpoints
          </h2>
          {endpoints.length === 0 ? <p className="text-sm text-gray-600">No endpoints yet.</p> : null}
          <ul className="divide-y divide-gray-100">
            {endpoints.map((e) => (
              <li key={e.id} className="flex flex-wrap items-center justify-between gap-3 py-3 text-sm">
                <div className="min-w-0">
                  <p className="font-medium break-all">
                    {e.url} {e.active ? <Badge tone="green">active</Badge> : <Badge>paused</Badge>}
                  </p>
                  <p className="text-gray-600">
                    {e.description ? `${e.description} · ` : ""}
                    {e.events.join(", ")} · added {formatDate(e.createdAt, tz)}
                  </p>
                </div>
                <EndpointToggle endpointId={e.id} active={e.active} url={e.url} />
              </li>
            ))}
          </ul>
        </Card>

        <Card aria-labelledby="deliveries-title">
          <h2 id="deliveries-title" className="font-semibold">
            Recent deliveries
          </h2>
          <p className="mt-1 mb-3 text-sm text-gray-600">The latest 50. A replay sends the same event again with the same webhook-id, so your endpoint can tell it has seen it.</p>
          {deliveries.length === 0 ? (
            <p className="text-sm text-gray-600">Nothing sent yet.</p>
          ) : (
            <ul className="divide-y divide-gray-100 text-sm">
              {deliveries.map((d) => {
                const tries = attempts.get(d.id) ?? [];
                return (
                  <li key={d.id} className="py-3">
                    <div className="flex flex-wrap items-center justify-between gap-2">
                      <div className="min-w-0">
                        <p>
                          <code className="font-mono">{d.eventType}</code> <Badge tone={DELIVERY_TONE[d.status]}>{d.status}</Badge>
                        </p>
                        <p className="text-gray-600 break-all">
                          to {urlOf.get(d.endpointId) ?? "a deleted endpoint"} · {formatDate(d.createdAt, tz)} · {d.attempts} {d.attempts === 1 ? "attempt" : "attempts"}
                          {d.lastStatusCode ? ` · last answer HTTP ${d.lastStatusCode}` : ""}
                        </p>
                      </div>
                      {d.status !== "pending" ? <ReplayDelivery deliveryId={d.id} /> : null}
                    </div>
                    {tries.length > 0 ? (
                      <details className="mt-2">
                        <summary className="cursor-pointer text-brand-800">Attempts</summary>
                        <ol className="mt-2 space-y-1 border-l-2 border-gray-200 pl-3">
                          {tries.map((a) => (
                            <li key={a.id} className="text-gray-700">
                              {formatDate(a.createdAt, tz)} · {a.statusCode ? `HTTP ${a.statusCode}` : "no answer"} · {a.durationMs} ms{a.error ? ` · ${a.error}` : ""}
                            </li>
                          ))}
                        </ol>
                      </details>
                    ) : null}
                  </li>
                );
              })}
            </ul>
          )}
        </Card>
      </div>
    </>
  );
}
