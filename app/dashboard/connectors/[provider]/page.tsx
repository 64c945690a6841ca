import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { DateCell, StatusBadge } from "@/components/cells";
import { DataTable, type Column } from "@/components/data-table";
import { CardSection, PageHeader, byName } from "@/components/ui";
import { can } from "@/lib/auth/permissions";
import { Provider, getConnector, listConnectorEvents, type ConnectorEventRow, TEST_AMOUNT, TEST_EMAIL } from "@/lib/integrations/connectors";
import { merchantOf } from "@/lib/merchants/verbs";
import { formatMoney } from "@/lib/money";
import { listPrograms } from "@/lib/programs/verbs";
import { requirePage } from "../../../_server/session";
import { ConnectorForm, CopyUrl, RefundPolicy, SendTestEvent } from "../connector-controls";
import { GUIDES, OUTCOME_LABEL } from "../guide";

export const metadata: Metadata = { title: "Connector" };

const columns = (tz: string): Column<ConnectorEventRow>[] => [
  { id: "received", header: "Received", cell: (e) => <DateCell value={e.createdAt} timeZone={tz} />, className: "whitespace-nowrap" },
  {
    id: "event",
    header: "Event",
    cell: (e) => (
      <>
        <code className="font-mono">{e.topic}</code>
        {e.externalId ? <p className="text-gray-600 break-all">{e.externalId}</p> : null}
      </>
    ),
    className: "min-w-[10rem]",
  },
  { id: "amount", header: "Amount", cell: (e) => (e.amount !== null && e.currency ? formatMoney(e.amount, e.currency) : "—"), align: "right", className: "whitespace-nowrap" },
  {
    id: "outcome",
    header: "Outcome",
    cell: (e) => (
      <>
        <StatusBadge status={e.outcome} label={OUTCOME_LABEL[e.outcome]} />
        {e.points ? <span className="ml-2 tabular-nums">{e.points > 0 ? `+${e.points}` : e.points}</span> : null}
        <p className="mt-1 text-gray-700">{e.message}</p>
        {e.customerId ? (
          <Link className="text-brand-800 underline" href={`/dashboard/members/${e.customerId}`}>
            Member
          </Link>
        ) : null}
      </>
    ),
    className: "min-w-[16rem]",
  },
];

export default async function ConnectorSetupPage({ params, searchParams }: { params: Promise<{ provider: string }>; searchParams: Promise<{ cursor?: string }> }) {
  const member = await requirePage("/dashboard/connectors/[provider]");
  const parsed = Provider.safeParse((await params).provider);
  if (!parsed.success) notFound();
  const provider = parsed.data;
  const sp = await searchParams;
  const guide = GUIDES[provider];
  const [connector, programs, merchant, events] = await Promise.all([
    getConnector(member.ctx, provider),
    listPrograms(member.ctx),
    merchantOf(member.ctx),
    listConnectorEvents(member.ctx, { provider, cursor: typeof sp.cursor === "string" ? sp.cursor : undefined }),
  ]);
  const active = programs.filter((p) => p.status !== "archived");
  const program = connector ? programs.find((p) => p.id === connector.programId) : undefined;
  const base = `/dashboard/connectors/${provider}`;

  return (
    <>
      <PageHeader title={`Connect ${guide.label}`} description={`Purchases paid in ${guide.label} earn in your program; refunds take the points back.`} />
      <div className="space-y-6">
        <CardSection id="connect" title="1. Program and signing secret">
          {active.length === 0 ? (
            <p className="text-sm text-gray-700">
              Make a <Link className="text-brand-800 underline" href="/dashboard/programs/new">program</Link> first.
            </p>
          ) : (
            <ConnectorForm provider={provider} label={guide.label} programs={byName(active)} programId={connector?.programId ?? null} hasSecret={connector?.hasSecret ?? false} secretLabel={guide.secretLabel} />
          )}
        </CardSection>

        <CardSection id="webhook" title={`2. Add the webhook in ${guide.label}`}>
          {connector ? (
            <div className="space-y-4 text-sm">
              <div>
                <p className="mb-2 font-medium">Webhook URL to paste</p>
                <CopyUrl url={connector.webhookUrl} />
                <p className="mt-2 text-gray-600">It holds an unguessable id of this connector. Keep it to yourself like a password.</p>
              </div>
              <ol className="list-decimal space-y-1 pl-5 text-gray-800">
                {guide.steps.map((s) => (
                  <li key={s}>{s}</li>
                ))}
              </ol>
              <p className="text-gray-800">
                <span className="font-medium">Events: </span>
                {guide.events}
              </p>
            </div>
          ) : (
            <p className="text-sm text-gray-700">Save the program above to get the webhook URL.</p>
          )}
        </CardSection>

        <CardSection
          id="test"
          title="3. Send a test event"
          description={`Signs a sample ${guide.label} purchase of ${connector ? formatMoney(TEST_AMOUNT.minorUnits, program?.currency ?? merchant.currency) : "25.00"} for ${TEST_EMAIL} with your stored secret, exactly as ${guide.label} signs it, and runs it through the same signature check, mapping and customer lookup as a real one. It is logged as a test and never moves points.`}
        >
          <SendTestEvent provider={provider} disabled={!connector?.hasSecret} />
          {!connector?.hasSecret ? <p className="mt-2 text-sm text-gray-600">Save the signing secret first.</p> : null}
        </CardSection>

        {program && can(member.ctx.actor, "programs:write") ? (
          <CardSection id="refunds" title="Refunds of points already spent">
            <RefundPolicy provider={provider} programId={program.id} programName={program.name} negative={program.refundsMayGoNegative} />
          </CardSection>
        ) : null}

        <CardSection id="events" title="Received events" description="Every delivery and what came of it, newest first.">
          <DataTable
            caption={`Events received from ${guide.label}, newest first`}
            columns={columns(merchant.timezone)}
            rows={events.data}
            rowKey={(e) => e.id}
            empty={<p className="text-sm text-gray-600">Nothing received yet.</p>}
            inset
            pages={{ from: 1, prev: sp.cursor ? { href: base, label: "Newest" } : null, next: events.nextCursor ? { href: `${base}?cursor=${encodeURIComponent(events.nextCursor)}`, label: "Older events" } : null }}
          />
        </CardSection>
      </div>
    </>
  );
}
