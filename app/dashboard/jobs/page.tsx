import type { Metadata } from "next";
import { DateCell, StatusBadge } from "@/components/cells";
import { DataTable, type Column } from "@/components/data-table";
import { Alert, CardSection, PageHeader, Stat, formatDate, formatNumber } from "@/components/ui";
import { reportingJobs } from "@/jobs";
import { jobSystemStatus, type JobSystemStatus } from "@/lib/events/status";
import { merchantOf } from "@/lib/merchants/verbs";
import { requirePage } from "../../_server/session";

export const metadata: Metadata = { title: "Jobs" };

/** Background jobs that report each run: labels and schedules as each job's file declares them (jobs/). */
const JOBS: Array<{ name: string; label: string; when: string }> = reportingJobs.map((job) => ({ name: job.id, label: job.label, when: job.schedule.text }));

const MODE = {
  cloud: { label: "Inngest Cloud", text: "Events go to Inngest Cloud with your event key." },
  dev: { label: "Inngest dev server", text: "Events go to a local Inngest dev server (INNGEST_DEV)." },
  off: { label: "Not configured", text: "No Inngest event key and no dev server are set, so background jobs do not run here." },
} as const;

type JobRow = (typeof JOBS)[number] & { beat?: JobSystemStatus["jobs"][number] };

const jobColumns = (tz: string): Column<JobRow>[] => [
  {
    id: "job",
    header: "Job",
    cell: (job) => (
      <>
        <p className="font-medium">{job.label}</p>
        <p className="font-mono text-xs text-gray-600">{job.name}</p>
      </>
    ),
    sort: (job) => job.label,
  },
  { id: "runs", header: "Runs", cell: (job) => job.when, className: "text-gray-700" },
  { id: "last", header: "Last run", cell: (job) => <DateCell value={job.beat?.lastRunAt} timeZone={tz} empty="never" />, sort: (job) => job.beat?.lastRunAt },
  {
    id: "result",
    header: "Result",
    cell: ({ beat }) =>
      !beat ? (
        <StatusBadge status="none" label="no run yet" />
      ) : beat.lastError ? (
        <>
          <StatusBadge status="failed" />
          <p className="mt-1 text-xs break-words text-gray-700">{beat.lastError}</p>
          {beat.lastOkAt ? <p className="text-xs text-gray-600">Last good run {formatDate(beat.lastOkAt, tz)}</p> : null}
        </>
      ) : (
        <StatusBadge status="ok" />
      ),
    sort: ({ beat }) => (!beat ? null : beat.lastError ? "failed" : "ok"),
    className: "min-w-[12rem]",
  },
];

export default async function JobsPage() {
  const member = await requirePage("/dashboard/jobs");
  const [status, merchant] = await Promise.all([jobSystemStatus(member.ctx.db, member.ctx.merchantId), merchantOf(member.ctx)]);
  const tz = merchant.timezone;
  const beats = new Map(status.jobs.map((j) => [j.name, j]));
  const health = overall(status);

  return (
    <>
      <PageHeader title="Jobs" description="Expiry, reminders, payouts, campaigns, webhooks and wallet updates run in the background on Inngest. This page shows whether they can run." />
      <div className="space-y-6">
        <Alert tone={health.tone}>
          <p className="font-medium">{health.title}</p>
          <p className="mt-1">{health.text}</p>
        </Alert>

        <dl className="grid grid-cols-1 gap-3 sm:grid-cols-3">
          <Stat label="Inngest" value={MODE[status.mode].label} hint={MODE[status.mode].text} />
          <Stat
            label="Connection"
            value={status.mode === "off" ? "—" : status.connected === null ? "Not tried yet" : status.connected ? "Connected" : "Not reachable"}
            hint={status.lastDispatchError ? `Last error: ${status.lastDispatchError}` : status.mode === "off" ? "Nothing to connect to." : "From the last attempt to send events."}
          />
          <Stat
            label="Events waiting"
            value={formatNumber(status.outboxWaiting)}
            hint={status.oldestWaitingSince ? `The oldest since ${formatDate(status.oldestWaitingSince, tz)}` : "Everything has been sent."}
          />
        </dl>

        <CardSection
          id="runs"
          title="Last runs"
          description={status.lastSweepAt ? `The last sweep ran ${formatDate(status.lastSweepAt, tz)}.` : "The sweep has never run: nothing has called the job server yet."}
        >
          <DataTable
            caption="When each background job last ran, and how it went"
            columns={jobColumns(tz)}
            rows={JOBS.map((job) => ({ ...job, beat: beats.get(job.name) }))}
            rowKey={(job) => job.name}
            empty={null}
            inset
          />
        </CardSection>

        <CardSection id="help" title="Nothing runs on my computer">
          <div className="space-y-3 text-sm text-gray-700">
            <p>
              That is expected without a job server. Every change is saved, and its events wait in the outbox; nothing is lost. Campaigns will not start, points will not expire, payouts and
              webhooks will not go out, and wallet passes will not update, until a job server picks the events up.
            </p>
            <ol className="list-decimal space-y-2 pl-5">
              <li>
                Start the app with <code className="rounded bg-gray-100 px-1 font-mono">INNGEST_DEV=1 npm run dev</code>.
              </li>
              <li>
                In a second terminal, start the Inngest dev server:{" "}
                <code className="rounded bg-gray-100 px-1 font-mono break-all">npx inngest-cli@latest dev -u http://localhost:3000/api/inngest</code>. Its own page is at{" "}
                <code className="rounded bg-gray-100 px-1 font-mono">http://localhost:8288</code>.
              </li>
              <li>Within a minute the sweep sends what waited, and this page shows “Connected” with no events waiting.</li>
            </ol>
            <p>
              In production, set <code className="rounded bg-gray-100 px-1 font-mono">INNGEST_EVENT_KEY</code> and <code className="rounded bg-gray-100 px-1 font-mono">INNGEST_SIGNING_KEY</code> and
              register <code className="rounded bg-gray-100 px-1 font-mono">/api/inngest</code> in Inngest Cloud. If it says “Not reachable”, check those keys and that Inngest can reach this
              address.
            </p>
          </div>
        </CardSection>
      </div>
    </>
  );
}

function overall(s: JobSystemStatus): { tone: "error" | "success" | "info"; title: string; text: string } {
  const waiting = s.outboxWaiting ? ` ${formatNumber(s.outboxWaiting)} ${s.outboxWaiting === 1 ? "event is" : "events are"} waiting and will go out once it is.` : "";
  if (s.mode === "off") return { tone: "info", title: "Background jobs are not running here", text: `No job server is configured, which is normal on a laptop.${waiting} The steps below start one.` };
  if (s.connected === false) return { tone: "error", title: "Inngest cannot be reached", text: `Sending events failed the last time it was tried.${waiting}` };
  if (s.connected === null) return { tone: "info", title: "Waiting for the first events", text: "Inngest is configured, but nothing has been sent to it yet." };
  return { tone: "success", title: "Background jobs are running", text: s.outboxWaiting ? `${formatNumber(s.outboxWaiting)} events are on their way.` : "Everything has been sent." };
}
