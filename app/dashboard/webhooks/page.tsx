import type { Metadata } from "next";
import { DateCell, NumberCell, StatusBadge } from "@/components/cells";
import { DataTable, type Column } from "@/components/data-table";
import { ActionButton } from "@/components/form";
import { CardSection, PageHeader, formatDate } from "@/components/ui";
import type { WebhookAttempt, WebhookDelivery, WebhookEndpoint } from "@/db/schema";
import { merchantOf } from "@/lib/merchants/verbs";
import { SECRET_GRACE_HOURS, WEBHOOK_EVENTS, deliveryAttempts, listDeliveries, listEndpoints } from "@/lib/webhooks/endpoints";
import { requirePage } from "../../_server/session";
import { setEndpointActiveAction } from "./actions";
import { CreateEndpoint, ReplayDelivery, RotateEndpointSecret } from "./webhook-controls";

export const metadata: Metadata = { title: "Webhooks" };

const endpointColumns = (tz: string): Column<WebhookEndpoint>[] => [
  {
    id: "url",
    header: "URL",
    cell: (e) => (
      <>
        <p className="font-medium break-all">{e.url}</p>
        {e.description ? <p className="text-gray-600">{e.description}</p> : null}
      </>
    ),
    sort: (e) => e.url,
    className: "min-w-[14rem]",
  },
  { id: "events", header: "Events", cell: (e) => <span className="text-gray-700">{e.events.join(", ")}</span>, className: "min-w-[12rem]" },
  { id: "status", header: "Status", cell: (e) => <StatusBadge status={e.active ? "active" : "paused"} />, sort: (e) => (e.active ? 0 : 1) },
  { id: "added", header: "Added", cell: (e) => <DateCell value={e.createdAt} timeZone={tz} />, sort: (e) => e.createdAt },
  { id: "actions", header: "Actions", hideHeader: true, cell: (e) => (
      <div className="flex flex-col items-end gap-2">
        <ActionButton action={setEndpointActiveAction} input={{ endpointId: e.id, active: !e.active }} variant="secondary" aria-label={`${e.active ? "Pause" : "Resume"} ${e.url}`}>
          {e.active ? "Pause" : "Resume"}
        </ActionButton>
        <RotateEndpointSecret endpointId={e.id} url={e.url} graceHours={SECRET_GRACE_HOURS} />
      </div>
    ), className: "text-right" },
];

type DeliveryRow = WebhookDelivery & { url: string | undefined; tries: WebhookAttempt[] };

const deliveryColumns = (tz: string): Column<DeliveryRow>[] => [
  {
    id: "event",
    header: "Event",
    cell: (d) => (
      <>
        <code className="font-mono">{d.eventType}</code>
        <p className="text-gray-600 break-all">to {d.url ?? "a deleted endpoint"}</p>
      </>
    ),
    sort: (d) => d.eventType,
    className: "min-w-[14rem]",
  },
  { id: "status", header: "Status", cell: (d) => <StatusBadge status={d.status} />, sort: (d) => d.status },
  { id: "sent", header: "Sent", cell: (d) => <DateCell value={d.createdAt} timeZone={tz} />, sort: (d) => d.createdAt },
  {
    id: "attempts",
    header: "Attempts",
    cell: (d) => (
      <>
        <NumberCell value={d.attempts} />
        {d.lastStatusCode ? <span className="text-gray-600"> · last answer HTTP {d.lastStatusCode}</span> : null}
        {d.tries.length > 0 ? (
          <details className="mt-1">
            <summary className="cursor-pointer text-brand-800">Attempts</summary>
            <ol className="mt-2 space-y-1 border-l-2 border-gray-200 pl-3">
              {d.tries.map((a) => (
                <li key={a.id} className="text-gray-700">
                  {formatDate(a.createdAt, tz)} · {a.statusCode ? `HTTP ${a.statusCode}` : "no answer"} · {a.durationMs} ms{a.error ? ` · ${a.error}` : ""}
                </li>
              ))}
            </ol>
          </details>
        ) : null}
      </>
    ),
    sort: (d) => d.attempts,
    className: "min-w-[10rem]",
  },
  { id: "actions", header: "Actions", hideHeader: true, cell: (d) => (d.status !== "pending" ? <ReplayDelivery deliveryId={d.id} /> : null), className: "text-right" },
];

export default async function WebhooksPage() {
  const member = await requirePage("/dashboard/webhooks");
  const [endpoints, deliveries, merchant] = await Promise.all([listEndpoints(member.ctx), listDeliveries(member.ctx, { limit: 50 }), merchantOf(member.ctx)]);
  const tz = merchant.timezone;
  const urlOf = new Map(endpoints.map((e) => [e.id, e.url]));
  const rows: DeliveryRow[] = await Promise.all(
    deliveries.map(async (d) => ({ ...d, url: urlOf.get(d.endpointId), tries: d.attempts > 0 ? await deliveryAttempts(member.ctx, d.id) : [] })),
  );

  return (
    <>
      <PageHeader
        title="Webhooks"
        description="Keepcard tells your systems when something happens: a signed POST (Standard Webhooks) for each event you pick, retried with back-off until your endpoint answers 2xx."
      />
      <div className="space-y-6">
        <CardSection id="new-endpoint" title="Add an endpoint">
          <CreateEndpoint events={[...WEBHOOK_EVENTS]} />
        </CardSection>

        <CardSection id="endpoints" title="Endpoints">
          <DataTable caption="Webhook endpoints, newest first" columns={endpointColumns(tz)} rows={endpoints} rowKey={(e) => e.id} empty={<p className="text-sm text-gray-600">No endpoints yet.</p>} inset />
        </CardSection>

        <CardSection id="deliveries" title="Recent deliveries" description="The latest 50. A replay sends the same event again with the same webhook-id, so your endpoint can tell it has seen it.">
          <DataTable caption="Recent webhook deliveries, newest first" columns={deliveryColumns(tz)} rows={rows} rowKey={(d) => d.id} empty={<p className="text-sm text-gray-600">Nothing sent yet.</p>} inset />
        </CardSection>
      </div>
    </>
  );
}
